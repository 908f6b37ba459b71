// How each command meets a persistent reservation held by another I_T nexus (SPC-4 5.13.1
// table 61, SBC-4 4.17 table 13, ZBC-2): one table by opcode, so command files stay unaware.
import type { CommandSpec } from './command-spec.js';
import type { PrAccess } from './persistent-reservations.js';

/** Allowed under every reservation type. */
const ALLOWED = new Set([
  0x00, // TEST UNIT READY
  0x03, // REQUEST SENSE
  0x12, // INQUIRY
  0x25, // READ CAPACITY(10)
  0x9e, // READ CAPACITY(16), GET LBA STATUS
  0x5e, // PERSISTENT RESERVE IN
  0x5f, // PERSISTENT RESERVE OUT: checks registrations itself
  0xa0, // REPORT LUNS
  0xa3, // REPORT SUPPORTED OPERATION CODES / TASK MANAGEMENT FUNCTIONS
]);

/** Change the medium or device state although they move no data out. */
const WRITES_WITHOUT_DATA_OUT = new Set([
  0x1b, // START STOP UNIT
  0x35, // SYNCHRONIZE CACHE(10)
  0x91, // SYNCHRONIZE CACHE(16)
  0x94, // ZBC OUT (zone resets and transitions)
  0x16, // RESERVE(6)
  0x17, // RELEASE(6)
  // ATA PASS-THROUGH (16)/(12): the ATA command inside may write; judged as a write.
  0x85,
  0xa1,
]);

/** Move data out only to compare it. */
const READS_WITH_DATA_OUT = new Set([0x2f, 0x8f, 0xaf]); // VERIFY(10/16/12)

export function reservationAccess(spec: CommandSpec): PrAccess {
  if (ALLOWED.has(spec.opcode)) return 'allowed';
  if (WRITES_WITHOUT_DATA_OUT.has(spec.opcode)) return 'write';
  if (spec.direction === 'out' && !READS_WITH_DATA_OUT.has(spec.opcode)) return 'write';
  return 'read';
}
