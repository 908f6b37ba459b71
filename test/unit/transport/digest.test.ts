// CRC32C vectors of RFC 3720 B.4, as the bytes sent (little-endian, docs/initiators.md).
import { describe, expect, it } from 'vitest';
import { crc32cOf, digestBytes, digestMatches } from '../../../transport/digest.js';
import { crc32cSlow } from '../../helpers/wire.js';

const ascending = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
const descending = Buffer.from(Array.from({ length: 32 }, (_, i) => 31 - i));

describe('CRC32C digests', () => {
  it.each([
    { name: '32 x 00', input: Buffer.alloc(32), wire: 'aa36918a' },
    { name: '32 x ff', input: Buffer.alloc(32, 0xff), wire: '43aba862' },
    { name: '00..1f', input: ascending, wire: '4e79dd46' },
    { name: '1f..00', input: descending, wire: '5cdb3f11' },
  ])('$name -> $wire', ({ input, wire }) => {
    expect(digestBytes([input]).toString('hex')).toBe(wire);
    expect(crc32cSlow([input])).toBe(Buffer.from(wire, 'hex').readUInt32LE(0));
  });

  it('check value of "123456789" is 0xE3069283', () => {
    expect(crc32cOf([Buffer.from('123456789')])).toBe(0xe3069283);
  });

  it('chains over views without concatenating', () => {
    const parts = [
      ascending.subarray(0, 5),
      Buffer.alloc(0),
      ascending.subarray(5, 17),
      ascending.subarray(17),
    ];
    expect(crc32cOf(parts)).toBe(crc32cOf([ascending]));
    expect(digestMatches(parts, Buffer.from('4e79dd46', 'hex'))).toBe(true);
    expect(digestMatches(parts, Buffer.from('4e79dd47', 'hex'))).toBe(false);
  });

  it('covers pad bytes given apart from the data, as if appended', () => {
    const data = [ascending.subarray(0, 30)];
    const pad = Buffer.from([0, 0]);
    const whole = digestBytes([ascending.subarray(0, 30), pad]);
    expect(digestBytes(data, pad).equals(whole)).toBe(true);
    expect(digestMatches(data, whole, [pad.subarray(0, 1), pad.subarray(1)])).toBe(true);
    expect(digestMatches(data, whole)).toBe(false);
  });
});
