// What the reference model expects a command to end in, and the comparison with what came back.
// The sense of each refusal is written here from the standards, not taken from scsi/.
import type { ScsiResult } from '../../helpers/mini-initiator.js';
import { parseSense, triple } from '../../helpers/sense.js';

export interface ExpectedSense {
  readonly key: number;
  readonly asc: number;
  readonly ascq: number;
  /** Sense-key-specific field pointer into the CDB, when the refusal names a field. */
  readonly field?: { readonly byte: number; readonly bit?: number };
  /** INFORMATION, when the refusal names an LBA. */
  readonly information?: number;
}

export type Expected =
  | { readonly status: 'good'; readonly data?: Buffer }
  | { readonly status: 'check'; readonly sense: ExpectedSense };

export const GOOD: Expected = { status: 'good' };

export function check(sense: ExpectedSense): Expected {
  return { status: 'check', sense };
}

const ILLEGAL = 0x5;
const DATA_PROTECT = 0x7;
export const LBA_OUT_OF_RANGE: ExpectedSense = { key: ILLEGAL, asc: 0x21, ascq: 0x00 }; // SBC-4 4.5
export const POWER_ON_RESET: ExpectedSense = { key: 0x6, asc: 0x29, ascq: 0x00 }; // SPC-5 6.40

/** A reference-model fault as sense (ZBC-2 4.4.3 and 5.x; SBC-4 4.18): `lba` is the CDB's. */
export function faultSense(kind: string, lba: number, lbaField: number): ExpectedSense {
  const row = FAULT_SENSE[kind];
  if (row === undefined) throw new Error(`no expected sense for reference fault ${kind}`);
  return row(lba, lbaField);
}

const FAULT_SENSE: Record<string, (lba: number, lbaField: number) => ExpectedSense> = {
  'unaligned-write': (lba) => ({ key: ILLEGAL, asc: 0x21, ascq: 0x04, information: lba }),
  'write-boundary': (lba) => ({ key: ILLEGAL, asc: 0x21, ascq: 0x05, information: lba }),
  'write-to-full-zone': (lba, byte) => ({
    key: ILLEGAL,
    asc: 0x24,
    ascq: 0x00,
    field: { byte },
    information: lba,
  }),
  'read-boundary': (lba) => ({ key: ILLEGAL, asc: 0x21, ascq: 0x07, information: lba }),
  'read-invalid-data': (lba) => ({ key: ILLEGAL, asc: 0x21, ascq: 0x06, information: lba }),
  'gap-zone-access': (lba) => ({ key: ILLEGAL, asc: 0x21, ascq: 0x09, information: lba }),
  'insufficient-zone-resources': () => ({ key: DATA_PROTECT, asc: 0x55, ascq: 0x0e }),
  'zone-read-only': () => ({ key: DATA_PROTECT, asc: 0x27, ascq: 0x08 }),
  'zone-offline': () => ({ key: DATA_PROTECT, asc: 0x2c, ascq: 0x0e }),
  'zone-id-out-of-range': () => LBA_OUT_OF_RANGE,
  'invalid-zone-id': () => ({ key: ILLEGAL, asc: 0x24, ascq: 0x00, field: { byte: 2 } }),
  'invalid-zone-count': () => ({ key: ILLEGAL, asc: 0x24, ascq: 0x00, field: { byte: 12 } }),
  'invalid-reporting-option': () => ({
    key: ILLEGAL,
    asc: 0x24,
    ascq: 0x00,
    field: { byte: 14, bit: 5 },
  }),
};

function describeResult(r: ScsiResult): string {
  if (r.status === 0) return `GOOD, ${r.data.length} bytes`;
  if (r.sense.length === 0) return `status ${r.status}`;
  const s = parseSense(r.sense);
  const info = s.information === undefined ? '' : ` info ${s.information}`;
  return `status ${r.status} ${triple(s)}${info} field ${JSON.stringify(s.field ?? null)}`;
}

function describeExpected(e: Expected): string {
  if (e.status === 'good') return `GOOD${e.data ? `, ${e.data.length} bytes` : ''}`;
  const s = e.sense;
  const info = s.information === undefined ? '' : ` info ${s.information}`;
  return `CHECK CONDITION ${triple(s)}${info} field ${JSON.stringify(s.field ?? null)}`;
}

/** Null when `r` is what was expected; otherwise what differs, in one line. */
export function difference(e: Expected, r: ScsiResult): string | null {
  const got = describeResult(r);
  if (e.status === 'good') {
    if (r.status !== 0) return `expected GOOD, got ${got}`;
    if (e.data !== undefined && !e.data.equals(r.data)) {
      const n = Math.min(e.data.length, r.data.length);
      let at = 0;
      while (at < n && e.data[at] === r.data[at]) at++;
      return `data differs at byte ${at} (expected ${e.data.length} bytes, got ${r.data.length})`;
    }
    return null;
  }
  if (r.status !== 2 || r.sense.length === 0) return `expected ${describeExpected(e)}, got ${got}`;
  const s = parseSense(r.sense);
  const want = e.sense;
  const same =
    s.key === want.key &&
    s.asc === want.asc &&
    s.ascq === want.ascq &&
    (want.information === undefined || s.information === BigInt(want.information)) &&
    (want.field === undefined ||
      (s.field?.in === 'cdb' &&
        s.field.byte === want.field.byte &&
        s.field.bit === want.field.bit));
  return same ? null : `expected ${describeExpected(e)}, got ${got}`;
}
