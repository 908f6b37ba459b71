// Named sense codes: (sense key, ASC, ASCQ) triples built from asc-ascq.ts rows. One ASC/ASCQ may
// appear under several keys (then the SENSE name says which); each triple appears once.
import { ASC_ROWS, type AscName } from './asc-ascq.js';
import { SenseKey } from './sense-keys.js';

export interface SenseCode {
  readonly key: SenseKey;
  readonly asc: number;
  readonly ascq: number;
}

/**
 * [key, ASC row name] or, when one ASC/ASCQ pairs with a second key, [key, ASC row name, SENSE
 * name]; the SENSE name defaults to the ASC row's name.
 */
export type SenseRow = readonly [key: SenseKey, ascName: AscName, name?: string];

const K = SenseKey;

/** Which key each generated code carries (SPC-4 / SBC-4 / ZBC-2 / RFC 7143 §11.4.7.2). */
export const SENSE_ROWS = [
  [K.NO_SENSE, 'NO_ADDITIONAL_SENSE_INFORMATION'],
  [K.RECOVERED_ERROR, 'ATA_PASS_THROUGH_INFORMATION_AVAILABLE'],
  [K.NOT_READY, 'LOGICAL_UNIT_IS_IN_PROCESS_OF_BECOMING_READY'],
  [K.NOT_READY, 'LOGICAL_UNIT_NOT_READY_INITIALIZING_COMMAND_REQUIRED'],
  [K.NOT_READY, 'LOGICAL_UNIT_NOT_READY_FORMAT_IN_PROGRESS'],
  [K.NOT_READY, 'MEDIUM_NOT_PRESENT'],
  [K.MEDIUM_ERROR, 'WRITE_ERROR'],
  [K.MEDIUM_ERROR, 'UNRECOVERED_READ_ERROR'],
  [K.HARDWARE_ERROR, 'INTERNAL_TARGET_FAILURE'],
  [K.ILLEGAL_REQUEST, 'UNEXPECTED_UNSOLICITED_DATA'],
  [K.ILLEGAL_REQUEST, 'INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT'],
  [K.ILLEGAL_REQUEST, 'PARAMETER_LIST_LENGTH_ERROR'],
  [K.ILLEGAL_REQUEST, 'INVALID_COMMAND_OPERATION_CODE'],
  [K.ILLEGAL_REQUEST, 'LOGICAL_BLOCK_ADDRESS_OUT_OF_RANGE'],
  [K.ILLEGAL_REQUEST, 'UNALIGNED_WRITE_COMMAND'],
  [K.ILLEGAL_REQUEST, 'WRITE_BOUNDARY_VIOLATION'],
  [K.ILLEGAL_REQUEST, 'ATTEMPT_TO_READ_INVALID_DATA'],
  [K.ILLEGAL_REQUEST, 'READ_BOUNDARY_VIOLATION'],
  [K.ILLEGAL_REQUEST, 'MISALIGNED_WRITE_COMMAND'],
  [K.ILLEGAL_REQUEST, 'ATTEMPT_TO_ACCESS_GAP_ZONE'],
  [K.ILLEGAL_REQUEST, 'INVALID_FIELD_IN_CDB'],
  [K.ILLEGAL_REQUEST, 'LOGICAL_UNIT_NOT_SUPPORTED'],
  [K.ILLEGAL_REQUEST, 'INVALID_FIELD_IN_PARAMETER_LIST'],
  [K.ILLEGAL_REQUEST, 'PARAMETER_NOT_SUPPORTED'],
  [K.ILLEGAL_REQUEST, 'PARAMETER_VALUE_INVALID'],
  [K.ILLEGAL_REQUEST, 'INVALID_RELEASE_OF_PERSISTENT_RESERVATION'],
  [K.ILLEGAL_REQUEST, 'SAVING_PARAMETERS_NOT_SUPPORTED'],
  [K.ILLEGAL_REQUEST, 'COMMAND_SEQUENCE_ERROR'],
  [K.ILLEGAL_REQUEST, 'RESET_WRITE_POINTER_NOT_ALLOWED'],
  [K.ILLEGAL_REQUEST, 'UNWRITTEN_DATA_IN_ZONE'],
  [K.UNIT_ATTENTION, 'POWER_ON_RESET_OR_BUS_DEVICE_RESET_OCCURRED'],
  [K.UNIT_ATTENTION, 'POWER_ON_OCCURRED'],
  [K.UNIT_ATTENTION, 'SCSI_BUS_RESET_OCCURRED'],
  [K.UNIT_ATTENTION, 'BUS_DEVICE_RESET_FUNCTION_OCCURRED'],
  [K.UNIT_ATTENTION, 'DEVICE_INTERNAL_RESET'],
  [K.UNIT_ATTENTION, 'I_T_NEXUS_LOSS_OCCURRED'],
  [K.UNIT_ATTENTION, 'NOT_READY_TO_READY_CHANGE_MEDIUM_MAY_HAVE_CHANGED'],
  [K.UNIT_ATTENTION, 'MODE_PARAMETERS_CHANGED'],
  [K.UNIT_ATTENTION, 'RESERVATIONS_PREEMPTED'],
  [K.UNIT_ATTENTION, 'RESERVATIONS_RELEASED'],
  [K.UNIT_ATTENTION, 'REGISTRATIONS_PREEMPTED'],
  [K.UNIT_ATTENTION, 'CAPACITY_DATA_HAS_CHANGED'],
  [K.UNIT_ATTENTION, 'ZONE_RESET_WRITE_POINTER_RECOMMENDED'],
  [K.UNIT_ATTENTION, 'COMMANDS_CLEARED_BY_ANOTHER_INITIATOR'],
  [K.UNIT_ATTENTION, 'INQUIRY_DATA_HAS_CHANGED'],
  [K.UNIT_ATTENTION, 'REPORTED_LUNS_DATA_HAS_CHANGED'],
  [K.UNIT_ATTENTION, 'ZONE_TRANSITION_TO_FULL'],
  [K.DATA_PROTECT, 'WRITE_PROTECTED'],
  [K.DATA_PROTECT, 'SPACE_ALLOCATION_FAILED_WRITE_PROTECT'],
  [K.DATA_PROTECT, 'ZONE_IS_READ_ONLY'],
  [K.DATA_PROTECT, 'ZONE_IS_OFFLINE'],
  [K.DATA_PROTECT, 'ZONE_IS_INACTIVE'],
  [K.DATA_PROTECT, 'INSUFFICIENT_ZONE_RESOURCES'],
  [K.DATA_PROTECT, 'INSUFFICIENT_ZONE_RESOURCES_TO_COMPLETE_WRITE'],
  [K.DATA_PROTECT, 'WRITE_ERROR_INSUFFICIENT_ZONE_RESOURCES'],
  [K.ABORTED_COMMAND, 'NO_ADDITIONAL_SENSE_INFORMATION', 'ABORTED_COMMAND'],
  [K.ABORTED_COMMAND, 'NOT_ENOUGH_UNSOLICITED_DATA'],
  [K.ABORTED_COMMAND, 'READ_ERROR_FAILED_RETRANSMISSION_REQUEST'],
  [K.ABORTED_COMMAND, 'PROTOCOL_SERVICE_CRC_ERROR'],
  [K.ABORTED_COMMAND, 'INVALID_MESSAGE_ERROR'],
  [K.ABORTED_COMMAND, 'DATA_PHASE_ERROR'],
  [K.ABORTED_COMMAND, 'OVERLAPPED_COMMANDS_ATTEMPTED'],
  [K.MISCOMPARE, 'MISCOMPARE_DURING_VERIFY_OPERATION'],
] as const satisfies readonly SenseRow[];

type NameOf<R> = R extends readonly [SenseKey, string, infer N extends string]
  ? N
  : R extends readonly [SenseKey, infer A extends string]
    ? A
    : never;
export type SenseName = NameOf<(typeof SENSE_ROWS)[number]>;

/** The SENSE name a row defines. */
export function senseRowName(row: SenseRow): string {
  return row[2] ?? row[1];
}

function buildSense(): { readonly [N in SenseName]: SenseCode } {
  const pairs = new Map<string, readonly [number, number]>(
    ASC_ROWS.map(([name, asc, ascq]) => [name, [asc, ascq]]),
  );
  const out: Record<string, SenseCode> = {};
  for (const row of SENSE_ROWS as readonly SenseRow[]) {
    const pair = pairs.get(row[1]);
    // Unreachable: AscName is checked at compile time; keep the table honest at load anyway.
    if (pair === undefined) throw new Error(`sense-tables: no ASC row ${row[1]}`);
    out[senseRowName(row)] = Object.freeze({ key: row[0], asc: pair[0], ascq: pair[1] });
  }
  return Object.freeze(out) as { readonly [N in SenseName]: SenseCode };
}

/** Frozen named sense codes, e.g. SENSE.INVALID_FIELD_IN_CDB = { key: 5, asc: 0x24, ascq: 0 }. */
export const SENSE = buildSense();
