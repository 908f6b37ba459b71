// The pure ATA data helpers: ATA strings, REPORT ZONES EXT byte order, the log reader's refusals.
import { describe, expect, it } from 'vitest';
import { putAtaString, readAtaString } from '../../../../zbc/ata/ata-string.js';
import { readLog } from '../../../../zbc/ata/logs.js';
import { toZacByteOrder } from '../../../../zbc/ata/report-zones-ext.js';
import type { AtaDevice } from '../../../../zbc/ata/device.js';
import { smallLayout } from '../fixtures.js';

const dev: AtaDevice = {
  layout: smallLayout(),
  identity: { model: 'M', serial: 'S', firmware: 'F', wwn: [0x5000_0000, 1], rotationRate: 1 },
  settings: { writeCache: true, readLookAhead: true, senseReporting: true, smart: true },
};

describe('ATA strings (ACS-4 3.4.9)', () => {
  it('swap each character pair and pad with spaces', () => {
    const out = new Uint8Array(8);
    putAtaString(out, 0, 8, 'ABCDE');
    expect(Buffer.from(out).toString('latin1')).toBe('BADC E  ');
    expect(readAtaString(out, 0, 8)).toBe('ABCDE');
  });

  it('replace characters outside printable ASCII with ?', () => {
    const out = new Uint8Array(4);
    putAtaString(out, 0, 4, 'a\u00e9\n');
    expect(readAtaString(out, 0, 4)).toBe('a??');
  });
});

describe('REPORT ZONES EXT byte order', () => {
  it('reverses the header fields and each whole descriptor field, nothing else', () => {
    const out = new Uint8Array(128).map((_, i) => i);
    toZacByteOrder(out);
    expect([...out.subarray(0, 8)]).toEqual([3, 2, 1, 0, 4, 5, 6, 7]);
    expect([...out.subarray(8, 16)]).toEqual([15, 14, 13, 12, 11, 10, 9, 8]);
    expect([...out.subarray(64, 72)]).toEqual([64, 65, 66, 67, 68, 69, 70, 71]);
    expect([...out.subarray(88, 96)]).toEqual([95, 94, 93, 92, 91, 90, 89, 88]);
    expect([...out.subarray(96, 128)]).toEqual([...Array(32).keys()].map((i) => 96 + i));
  });

  it('leaves a partial descriptor and a short header alone', () => {
    const short = new Uint8Array(32).fill(7);
    toZacByteOrder(short);
    expect(short.every((b) => b === 7)).toBe(true);
    const cut = new Uint8Array(100).map((_, i) => i);
    toZacByteOrder(cut);
    expect([...cut.subarray(64, 100)]).toEqual([...Array(36).keys()].map((i) => 64 + i));
  });
});

describe('readLog', () => {
  it.each([
    ['an unknown log', 0x04, 0, 1],
    ['COUNT 0', 0x30, 0, 0],
    ['pages past the log', 0x30, 9, 2],
    ['a huge COUNT', 0x30, 0, 0xffff],
  ])('%s: null', (_n, address, page, count) => {
    expect(readLog(dev, address, page, count)).toBeNull();
  });

  it('unlisted pages of log 30h (06h-08h) read as zeros', () => {
    const out = readLog(dev, 0x30, 6, 3) as Uint8Array;
    expect(out.length).toBe(1536);
    expect(out.every((b) => b === 0)).toBe(true);
  });
});
