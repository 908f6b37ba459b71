// SPC-4 table 49 (sense key descriptions). Values are the 4-bit SENSE KEY field.

export const SenseKey = {
  NO_SENSE: 0x0,
  RECOVERED_ERROR: 0x1,
  NOT_READY: 0x2,
  MEDIUM_ERROR: 0x3,
  HARDWARE_ERROR: 0x4,
  ILLEGAL_REQUEST: 0x5,
  UNIT_ATTENTION: 0x6,
  DATA_PROTECT: 0x7,
  BLANK_CHECK: 0x8,
  VENDOR_SPECIFIC: 0x9,
  COPY_ABORTED: 0xa,
  ABORTED_COMMAND: 0xb,
  VOLUME_OVERFLOW: 0xd,
  MISCOMPARE: 0xe,
  COMPLETED: 0xf,
} as const;
export type SenseKey = (typeof SenseKey)[keyof typeof SenseKey];

const KEY_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(SenseKey).map(([name, key]) => [key, name.replaceAll('_', ' ')]),
);

/** T10 name of a sense key ("ILLEGAL REQUEST"), or undefined for a reserved value. */
export function senseKeyName(key: number): string | undefined {
  return KEY_NAMES.get(key);
}
