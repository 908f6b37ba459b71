import { describe, expect, it } from 'vitest';
import { formatSize, parseSize } from '../../../src/sizes.js';

describe('parseSize', () => {
  it.each([
    ['4MiB', 4 * 2 ** 20],
    ['256M', 256 * 2 ** 20],
    ['256m', 256 * 2 ** 20],
    ['1GiB', 2 ** 30],
    ['1g', 2 ** 30],
    ['20TB', 20e12],
    ['22TB', 22e12],
    ['500GB', 500e9],
    ['4096', 4096],
    ['4096B', 4096],
    [' 8 KiB ', 8192],
    ['1.5MiB', 1.5 * 2 ** 20],
    [512, 512],
  ] as const)('%s -> %d bytes', (input, bytes) => {
    expect(parseSize(input)).toBe(bytes);
  });

  it.each([
    ['abc', 'not a size: "abc" (examples: 4MiB, 256M, 20TB, 4096)'],
    ['4 XB', 'not a size: "4 XB" (examples: 4MiB, 256M, 20TB, 4096)'],
    ['-1', 'not a size: "-1" (examples: 4MiB, 256M, 20TB, 4096)'],
    ['0.3K', 'not a whole number of bytes: "0.3K"'],
    ['100PB', 'too large: "100PB" (less than 8 PiB)'],
    ['8PiB', 'too large: "8PiB" (less than 8 PiB)'],
    ['', 'not a size: "" (examples: 4MiB, 256M, 20TB, 4096)'],
  ])('%j is refused', (input, error) => {
    expect(parseSize(input)).toEqual({ error });
  });

  it('refuses fractional and negative numbers', () => {
    expect(parseSize(1.5)).toEqual({ error: 'not a whole number of bytes: 1.5' });
    expect(parseSize(-4)).toEqual({ error: 'not a whole number of bytes: -4' });
    expect(parseSize(2 ** 60)).toEqual({ error: `too large: ${2 ** 60} (less than 8 PiB)` });
  });

  it('formats exact binary units', () => {
    expect(formatSize(4 * 2 ** 20)).toBe('4 MiB');
    expect(formatSize(2 ** 30)).toBe('1 GiB');
    expect(formatSize(20e12)).toBe('20 TB');
    expect(formatSize(3 * 2 ** 10)).toBe('3 KiB');
    expect(formatSize(1000)).toBe('1000 bytes');
  });
});
