// key=value text, RFC 7143 §6.1.
import { describe, expect, it } from 'vitest';
import {
  MAX_KEY_NAME,
  MAX_LARGE_VALUE_LENGTH,
  MAX_VALUE_LENGTH,
} from '../../../../transport/limits.js';
import {
  encodedLength,
  encodeTextPairs,
  parseTextPairs,
} from '../../../../transport/login/text-pairs.js';

describe('text pairs', () => {
  it('parses pairs in order, splitting at the first "="', () => {
    expect(parseTextPairs(Buffer.from('A=1\0B=x=y\0C=\0'))).toEqual({
      ok: true,
      pairs: [
        ['A', '1'],
        ['B', 'x=y'],
        ['C', ''],
      ],
    });
  });

  it('parses empty text as no pairs', () => {
    expect(parseTextPairs(Buffer.alloc(0))).toEqual({ ok: true, pairs: [] });
  });

  it.each([
    { title: 'no final NUL', input: 'A=1\0B=2' },
    { title: 'no "="', input: 'A\0' },
    { title: 'empty key', input: '=1\0' },
    { title: 'key with a space', input: 'A B=1\0' },
    { title: `key over ${MAX_KEY_NAME} bytes`, input: `${'K'.repeat(MAX_KEY_NAME + 1)}=1\0` },
    {
      title: `value over ${MAX_VALUE_LENGTH} bytes`,
      input: `A=${'v'.repeat(MAX_VALUE_LENGTH + 1)}\0`,
    },
    {
      title: `CHAP_C over ${MAX_LARGE_VALUE_LENGTH} bytes`,
      input: `CHAP_C=0x${'a'.repeat(MAX_LARGE_VALUE_LENGTH - 1)}\0`,
    },
  ])('refuses $title', ({ input }) => {
    expect(parseTextPairs(Buffer.from(input)).ok).toBe(false);
  });

  it('accepts boundary lengths', () => {
    expect(
      parseTextPairs(Buffer.from(`${'K'.repeat(MAX_KEY_NAME)}=${'v'.repeat(MAX_VALUE_LENGTH)}\0`))
        .ok,
    ).toBe(true);
    expect(
      parseTextPairs(Buffer.from(`CHAP_C=0x${'a'.repeat(MAX_LARGE_VALUE_LENGTH - 2)}\0`)).ok,
    ).toBe(true);
  });

  it('encodes with one NUL after every pair, the last included', () => {
    const pairs = [
      ['TargetName', 'iqn.x:y'],
      ['TargetAddress', '[::1]:3260,1'],
    ] as const;
    const out = encodeTextPairs(pairs);
    expect(out.toString()).toBe('TargetName=iqn.x:y\0TargetAddress=[::1]:3260,1\0');
    expect(encodedLength(pairs)).toBe(out.length);
  });
});
