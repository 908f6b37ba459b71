// SAM-5 table 43 (status codes), as rows so that names and texts come from one place.
// scsi/target-contract.ts carries the same values as the transport-facing ScsiStatus constant.

export interface StatusRow {
  readonly name: string;
  readonly code: number;
  readonly text: string;
}

export const STATUS_ROWS: readonly StatusRow[] = [
  { name: 'GOOD', code: 0x00, text: 'GOOD' },
  { name: 'CHECK_CONDITION', code: 0x02, text: 'CHECK CONDITION' },
  { name: 'CONDITION_MET', code: 0x04, text: 'CONDITION MET' },
  { name: 'BUSY', code: 0x08, text: 'BUSY' },
  { name: 'RESERVATION_CONFLICT', code: 0x18, text: 'RESERVATION CONFLICT' },
  { name: 'TASK_SET_FULL', code: 0x28, text: 'TASK SET FULL' },
  { name: 'ACA_ACTIVE', code: 0x30, text: 'ACA ACTIVE' },
  { name: 'TASK_ABORTED', code: 0x40, text: 'TASK ABORTED' },
];

const STATUS_TEXT: ReadonlyMap<number, string> = new Map(STATUS_ROWS.map((r) => [r.code, r.text]));

/** T10 text of a SAM status byte, or undefined when reserved. */
export function statusText(code: number): string | undefined {
  return STATUS_TEXT.get(code);
}
