// START STOP UNIT (1Bh), SBC-4 5.25: START 0 flushes (unless NO_FLUSH) and enters the stopped
// power condition, where medium access commands (rows with mediumAccess) answer NOT READY; START 1
// makes the LU active again. A non-removable medium refuses LOEJ; only POWER CONDITION 0h
// (START_VALID) is supported. IMMED needs nothing: we complete before answering anyway.
import { SENSE } from '../../../sense-tables/index.js';
import type { CommandResult } from '../../command-result.js';
import { type CommandContext, commandRow } from '../../command-spec.js';
import { check, good } from '../../response.js';

async function startStopUnit({ cdb, lu }: CommandContext): Promise<CommandResult> {
  const b4 = cdb[4] ?? 0;
  if (b4 >> 4 !== 0)
    return check(SENSE.INVALID_FIELD_IN_CDB, { field: { in: 'cdb', byte: 4, bit: 7 } });
  if ((b4 & 0x02) !== 0)
    return check(SENSE.INVALID_FIELD_IN_CDB, { field: { in: 'cdb', byte: 4, bit: 1 } });
  const start = (b4 & 0x01) !== 0;
  if (!start && (b4 & 0x04) === 0) {
    try {
      await lu.flushMedium();
    } catch {
      return check(SENSE.WRITE_ERROR);
    }
  }
  lu.started = start;
  return good();
}

export const START_STOP_UNIT = commandRow({
  name: 'START STOP UNIT',
  opcode: 0x1b,
  direction: 'none',
  mediumAccess: false,
  reservation: 'write',
  usageAfterOpcode: [0x01, 0x00, 0x0f, 0xf7, 0x04],
  handler: startStopUnit,
});
