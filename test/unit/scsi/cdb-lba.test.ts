import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeRw6,
  decodeRw10,
  decodeRw12,
  decodeRw16,
  readU64,
  writeU64,
} from '../../../scsi/cdb.js';
import { checkLbaRange } from '../../../scsi/lba.js';
import { dataIn, good } from '../../../scsi/response.js';

describe('readU64 / writeU64', () => {
  it('returns numbers below 2^53 and exact bigints above', () => {
    const b = Buffer.alloc(8);
    writeU64(b, 0, 2 ** 53 - 1);
    expect(readU64(b, 0)).toBe(2 ** 53 - 1);
    b.writeBigUInt64BE(2n ** 53n, 0);
    expect(readU64(b, 0)).toBe(2n ** 53n);
    b.writeBigUInt64BE(0xffffffffffffffffn, 0);
    expect(readU64(b, 0)).toBe(0xffffffffffffffffn);
  });

  it('agrees with readBigUInt64BE for any value', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (v) => {
        const b = Buffer.alloc(8);
        b.writeBigUInt64BE(v);
        expect(BigInt(readU64(b, 0))).toBe(v);
      }),
    );
  });
});

describe('block access decoders', () => {
  it('READ(6): 21-bit LBA, length 0 means 256', () => {
    const c = decodeRw6(Buffer.from([0x08, 0xff, 0x12, 0x34, 0x00, 0x00]));
    expect(c.lba).toBe(0x1f1234);
    expect(c.blocks).toBe(256);
    expect(c.lbaField).toEqual({ in: 'cdb', byte: 1, bit: 4 });
  });
  it('10/12/16-byte forms and their flags', () => {
    const c10 = decodeRw10(Buffer.from([0x2a, 0x18, 0, 0, 1, 0, 0, 0x01, 0x02, 0]));
    expect(c10).toMatchObject({
      lba: 256,
      blocks: 258,
      fua: true,
      dpo: true,
      protect: 0,
      lengthField: { byte: 7 },
    });
    const c12 = decodeRw12(Buffer.from([0xa8, 0x20, 0, 0, 0, 9, 0, 1, 0, 0, 0, 0]));
    expect(c12).toMatchObject({ lba: 9, blocks: 65536, protect: 1, lengthField: { byte: 6 } });
    const c16 = decodeRw16(Buffer.from([0x88, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0]));
    expect(c16).toMatchObject({ lba: 2 ** 32, blocks: 8, lengthField: { byte: 10 } });
  });
});

describe('checkLbaRange', () => {
  it('accepts the last block and a zero-length access at the capacity only', () => {
    expect(checkLbaRange(99, 1, 100)).toBe(true);
    expect(checkLbaRange(99, 2, 100)).toBe(false);
    expect(checkLbaRange(100, 0, 100)).toBe(true);
    expect(checkLbaRange(101, 0, 100)).toBe(false);
    expect(checkLbaRange(2n ** 63n, 0, 100)).toBe(false);
    expect(checkLbaRange(2 ** 53 - 1, 0xffffffff, 2 ** 52)).toBe(false);
  });
  it('matches the bigint definition', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 2 ** 40 }),
        fc.nat({ max: 2 ** 32 - 1 }),
        fc.nat({ max: 2 ** 40 }),
        (lba, n, cap) => {
          const want = BigInt(lba) <= BigInt(cap) && BigInt(lba) + BigInt(n) <= BigInt(cap);
          expect(checkLbaRange(lba, n, cap)).toBe(want);
        },
      ),
    );
  });
});

describe('dataIn', () => {
  it('zero-fills, keeps full length fields and cuts to the allocation length', () => {
    const r = dataIn(8, 3, (out) => {
      out[0] = 7;
    });
    expect(r.status).toBe('good');
    expect([...(r.dataIn as Buffer)]).toEqual([7, 0, 0]);
    const whole = dataIn(4, 100, (out) => out.writeUInt16BE(0xabcd, 2));
    expect([...(whole.dataIn as Buffer)]).toEqual([0, 0, 0xab, 0xcd]);
    expect(good()).toEqual({ status: 'good' });
  });
});
