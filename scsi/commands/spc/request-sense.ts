// REQUEST SENSE (03h), SPC-4 6.39: with autosense (iSCSI) there is no deferred sense to keep; it
// reports (and clears) a pending unit attention, else the LU's state (NOT READY when stopped, else
// NO SENSE). DESC picks the format.
import { SENSE, type SenseCode } from '../../../sense-tables/index.js';
import type { CommandResult } from '../../command-result.js';
import { type CommandContext, commandRow, type TargetContext } from '../../command-spec.js';
import { good } from '../../response.js';
import { encodeSense } from '../../sense.js';

function senseData(cdb: Buffer, code: SenseCode): CommandResult {
  const descriptor = ((cdb[1] ?? 0) & 0x01) !== 0;
  const sense = encodeSense(code, undefined, descriptor);
  return good(sense.subarray(0, Math.min(sense.length, cdb[4] ?? 0)));
}

function requestSense({ cmd, cdb, lu }: CommandContext): CommandResult {
  // Without a unit attention, the sense data describe the LU's state: a stopped LU reports what
  // its medium access commands would (SBC-4 4.20), else NO SENSE.
  const state = lu.started
    ? SENSE.NO_ADDITIONAL_SENSE_INFORMATION
    : SENSE.LOGICAL_UNIT_NOT_READY_INITIALIZING_COMMAND_REQUIRED;
  return senseData(cdb, lu.unitAttentions.take(cmd.nexus.key) ?? state);
}

/** SPC-4 6.39.2: to an unmapped LUN, GOOD with LOGICAL UNIT NOT SUPPORTED sense data. */
function requestSenseForMissingLun({ cdb }: TargetContext): CommandResult {
  return senseData(cdb, SENSE.LOGICAL_UNIT_NOT_SUPPORTED);
}

export const REQUEST_SENSE = commandRow({
  name: 'REQUEST SENSE',
  opcode: 0x03,
  direction: 'in',
  mediumAccess: false,
  reservation: 'allowed',
  usageAfterOpcode: [0x01, 0x00, 0x00, 0xff, 0x04],
  skipsUnitAttention: true,
  allowedUnderReservation: true,
  handler: requestSense,
  withoutLu: requestSenseForMissingLun,
});
