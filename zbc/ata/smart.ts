// SMART data for a healthy drive (ACS-3 7.45, the SMART feature set as ATA-8 describes its data
// structures): READ DATA, READ THRESHOLDS and the SMART logs a drive keeps (directory, summary
// error log, self-test log), all empty of events. Values never change: the emulated medium does
// not wear.
import { sealChecksum, setWord, viewOf } from './words.js';

export const SMART_DATA_BYTES = 512;
const REVISION = 0x0010;

/** Subcommands (FEATURE) and the key LBA(23:8) = C24Fh every SMART command carries. */
export const SmartFeature = {
  READ_DATA: 0xd0,
  READ_THRESHOLDS: 0xd1,
  READ_LOG: 0xd5,
  ENABLE: 0xd8,
  DISABLE: 0xd9,
  RETURN_STATUS: 0xda,
} as const;
export const SMART_KEY = 0xc24f;
/** RETURN STATUS answer in LBA(23:8): C24Fh no threshold exceeded, 2CF4h exceeded. */
export const SMART_HEALTHY = 0xc24f;

interface Attribute {
  readonly id: number;
  readonly flags: number;
  readonly value: number;
  readonly threshold: number;
  readonly raw: number;
}

/** A few common attributes, all far from their thresholds. */
const ATTRIBUTES: readonly Attribute[] = [
  { id: 0x01, flags: 0x000f, value: 100, threshold: 6, raw: 0 }, // raw read error rate
  { id: 0x05, flags: 0x0033, value: 100, threshold: 10, raw: 0 }, // reallocated sectors
  { id: 0x09, flags: 0x0032, value: 100, threshold: 0, raw: 1 }, // power-on hours
  { id: 0x0c, flags: 0x0032, value: 100, threshold: 20, raw: 1 }, // power cycle count
  { id: 0xc2, flags: 0x0022, value: 70, threshold: 0, raw: 30 }, // temperature, 30 C
];

const ENTRY_BYTES = 12;
const FIRST_ENTRY = 2;

/** SMART READ DATA: revision, attribute entries, capabilities (no self-tests, no logs). */
export function encodeSmartData(out: Uint8Array): void {
  const v = viewOf(out);
  setWord(v, 0, REVISION);
  ATTRIBUTES.forEach((a, i) => {
    const at = FIRST_ENTRY + i * ENTRY_BYTES;
    out[at] = a.id;
    v.setUint16(at + 1, a.flags, true);
    out[at + 3] = a.value; // current
    out[at + 4] = a.value; // worst
    v.setUint32(at + 5, a.raw, true); // raw value (6 bytes)
  });
  out[362] = 0x82; // off-line data collection status: completed without error (auto on)
  out[363] = 0x00; // self-test execution status: last self-test (if any) completed
  v.setUint16(368, 0x0003, true); // SMART capability: saves data on standby, autosave
  out[370] = 0x01; // error logging capability: the summary error log (01h) is kept
  sealChecksum(out);
}

/** SMART READ THRESHOLDS: one entry per attribute. */
export function encodeSmartThresholds(out: Uint8Array): void {
  setWord(viewOf(out), 0, REVISION);
  ATTRIBUTES.forEach((a, i) => {
    const at = FIRST_ENTRY + i * ENTRY_BYTES;
    out[at] = a.id;
    out[at + 1] = a.threshold;
  });
  sealChecksum(out);
}

/** SMART logs kept, by log address: each one 512-byte page (ACS-3 A.1 table A.2). */
const SUMMARY_ERROR_LOG = 0x01;
const SELF_TEST_LOG = 0x06;

/** SMART log directory (log 00h): version 1, then per log address its page count. */
function encodeSmartLogDirectory(out: Uint8Array): void {
  setWord(viewOf(out), 0, 0x0001);
  for (const address of [SUMMARY_ERROR_LOG, SELF_TEST_LOG]) out[address * 2] = 1;
}

/** Summary error log (01h, ACS-3 A.19): version 1, no error logged (index 0, count 0). */
function encodeSummaryErrorLog(out: Uint8Array): void {
  out[0] = 0x01;
  sealChecksum(out);
}

/** Self-test log (06h, ACS-3 A.21): revision 0001h, no self-test run (index 0). */
function encodeSelfTestLog(out: Uint8Array): void {
  setWord(viewOf(out), 0, 0x0001);
  sealChecksum(out);
}

const SMART_LOGS: ReadonlyMap<number, (out: Uint8Array) => void> = new Map([
  [0x00, encodeSmartLogDirectory],
  [SUMMARY_ERROR_LOG, encodeSummaryErrorLog],
  [SELF_TEST_LOG, encodeSelfTestLog],
]);

/**
 * SMART READ LOG of `pages` 512-byte pages at a log address; null for a log the drive does not
 * keep or a length other than its one page (the device aborts).
 */
export function readSmartLog(address: number, pages: number): Uint8Array | null {
  const encode = SMART_LOGS.get(address);
  if (encode === undefined || pages !== 1) return null;
  const out = new Uint8Array(SMART_DATA_BYTES);
  encode(out);
  return out;
}
