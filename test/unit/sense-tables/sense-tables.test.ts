import { describe, expect, it } from 'vitest';
import {
  ASC_ROWS,
  SENSE,
  SENSE_ROWS,
  SenseKey,
  ascText,
  senseKeyName,
  senseRowName,
  statusText,
} from '../../../sense-tables/index.js';

function duplicates<T>(values: readonly T[]): T[] {
  const seen = new Set<T>();
  return values.filter((v) => (seen.has(v) ? true : (seen.add(v), false)));
}

describe('sense tables', () => {
  it('has no repeated ASC name or (ASC, ASCQ) pair', () => {
    expect(duplicates(ASC_ROWS.map((r) => r[0]))).toEqual([]);
    expect(duplicates(ASC_ROWS.map((r) => (r[1] << 8) | r[2]))).toEqual([]);
  });

  it('has no repeated SENSE name or (key, ASC, ASCQ) triple', () => {
    expect(duplicates(SENSE_ROWS.map((r) => senseRowName(r)))).toEqual([]);
    const triples = Object.values(SENSE).map((c) => (c.key << 16) | (c.asc << 8) | c.ascq);
    expect(duplicates(triples)).toEqual([]);
    expect(Object.keys(SENSE)).toHaveLength(SENSE_ROWS.length);
  });

  it('names follow the T10 text', () => {
    for (const [name, , , text] of ASC_ROWS) {
      expect(name).toBe(text.replace(/[ ,-]+/g, '_').replace(/_+/g, '_'));
    }
  });

  it('builds the codes the other layers rely on', () => {
    expect(SENSE.INVALID_FIELD_IN_CDB).toEqual({
      key: SenseKey.ILLEGAL_REQUEST,
      asc: 0x24,
      ascq: 0,
    });
    expect(SENSE.UNALIGNED_WRITE_COMMAND).toEqual({ key: 5, asc: 0x21, ascq: 0x04 });
    expect(SENSE.INSUFFICIENT_ZONE_RESOURCES).toEqual({ key: 7, asc: 0x55, ascq: 0x0e });
    expect(SENSE.PROTOCOL_SERVICE_CRC_ERROR).toEqual({ key: 0xb, asc: 0x47, ascq: 0x05 });
    expect(SENSE.WRITE_ERROR).toEqual({ key: 3, asc: 0x0c, ascq: 0 });
    expect(SENSE.POWER_ON_RESET_OR_BUS_DEVICE_RESET_OCCURRED).toEqual({
      key: 6,
      asc: 0x29,
      ascq: 0,
    });
    expect(Object.isFrozen(SENSE)).toBe(true);
    expect(Object.isFrozen(SENSE.WRITE_PROTECTED)).toBe(true);
  });

  it('looks up texts', () => {
    expect(ascText(0x21, 0x09)).toBe('ATTEMPT TO ACCESS GAP ZONE');
    expect(ascText(0x7f, 0x7f)).toBeUndefined();
    expect(senseKeyName(5)).toBe('ILLEGAL REQUEST');
    expect(senseKeyName(0xc)).toBeUndefined();
    expect(statusText(0x02)).toBe('CHECK CONDITION');
  });
});
