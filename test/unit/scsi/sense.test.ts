import { describe, expect, it } from 'vitest';
import { SENSE } from '../../../sense-tables/index.js';
import { encodeDescriptorSense, encodeFixedSense, encodeSense } from '../../../scsi/sense.js';
import { parseSense } from '../../helpers/sense.js';

describe('fixed format sense (70h)', () => {
  it('lays out key, ASC, ASCQ and the additional length (SPC-4 table 48)', () => {
    const b = encodeFixedSense(SENSE.UNALIGNED_WRITE_COMMAND);
    expect(b.length).toBe(18);
    expect(b[0]).toBe(0x70);
    expect(b[2]).toBe(0x05);
    expect(b[7]).toBe(0x0a);
    expect([b[12], b[13]]).toEqual([0x21, 0x04]);
    expect(b.subarray(15, 18)).toEqual(Buffer.alloc(3));
  });

  it('sets VALID only when INFORMATION fits in 4 bytes', () => {
    const small = encodeFixedSense(SENSE.WRITE_BOUNDARY_VIOLATION, { information: 0x12345678 });
    expect(small[0]).toBe(0xf0);
    expect(small.readUInt32BE(3)).toBe(0x12345678);
    const big = encodeFixedSense(SENSE.WRITE_BOUNDARY_VIOLATION, { information: 0x1_0000_0000 });
    expect(big[0]).toBe(0x70);
    expect(big.readUInt32BE(3)).toBe(0);
    const huge = encodeFixedSense(SENSE.WRITE_BOUNDARY_VIOLATION, { information: 2n ** 60n });
    expect(huge[0]).toBe(0x70);
  });

  it('encodes SKSV, C/D, BPV and the bit pointer in bytes 15-17', () => {
    const b = encodeFixedSense(SENSE.INVALID_FIELD_IN_CDB, {
      field: { in: 'cdb', byte: 14, bit: 5 },
    });
    expect([...b.subarray(15, 18)]).toEqual([0x80 | 0x40 | 0x08 | 5, 0, 14]);
    const p = encodeFixedSense(SENSE.INVALID_FIELD_IN_PARAMETER_LIST, {
      field: { in: 'parameter', byte: 0x102 },
    });
    expect([...p.subarray(15, 18)]).toEqual([0x80, 0x01, 0x02]);
  });
});

describe('descriptor format sense (72h)', () => {
  it('has only the header without details', () => {
    const b = encodeDescriptorSense(SENSE.INVALID_COMMAND_OPERATION_CODE);
    expect([...b]).toEqual([0x72, 0x05, 0x20, 0x00, 0, 0, 0, 0]);
  });

  it('carries INFORMATION (00h) with VALID and 64-bit values', () => {
    const b = encodeDescriptorSense(SENSE.UNALIGNED_WRITE_COMMAND, { information: 2 ** 40 + 7 });
    expect(b[7]).toBe(12);
    expect([b[8], b[9], b[10]]).toEqual([0x00, 0x0a, 0x80]);
    expect(b.readBigUInt64BE(12)).toBe(2n ** 40n + 7n);
    const big = encodeDescriptorSense(SENSE.UNALIGNED_WRITE_COMMAND, { information: 2n ** 63n });
    expect(big.readBigUInt64BE(12)).toBe(2n ** 63n);
  });

  it('carries the field pointer as a type 02h descriptor', () => {
    const b = encodeDescriptorSense(SENSE.INVALID_FIELD_IN_CDB, {
      information: 1,
      field: { in: 'cdb', byte: 1, bit: 4 },
    });
    expect(b.length).toBe(8 + 12 + 8);
    expect([...b.subarray(20, 28)]).toEqual([0x02, 0x06, 0, 0, 0xcc, 0, 1, 0]);
  });

  it('round-trips through the independent parser in both formats', () => {
    for (const descriptor of [false, true]) {
      const s = parseSense(
        encodeSense(SENSE.INVALID_FIELD_IN_CDB, { field: { in: 'cdb', byte: 10 } }, descriptor),
      );
      expect(s).toMatchObject({ key: 5, asc: 0x24, ascq: 0, field: { in: 'cdb', byte: 10 } });
      expect(s.format).toBe(descriptor ? 'descriptor' : 'fixed');
    }
  });
});
