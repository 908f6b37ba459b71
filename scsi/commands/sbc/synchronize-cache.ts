// SYNCHRONIZE CACHE(10) 35h / (16) 91h, SBC-4 5.26-5.27: flush data, then zone state
// (LogicalUnit.flushMedium). The range is checked but the whole medium is flushed.
import { SENSE } from '../../../sense-tables/index.js';
import { type BlockAccessCdb, decodeRw10, decodeRw16 } from '../../cdb.js';
import type { CommandResult } from '../../command-result.js';
import { type CommandHandler, commandRow } from '../../command-spec.js';
import { checkLbaRange } from '../../lba.js';
import { check, good } from '../../response.js';

const synchronizeCache: CommandHandler<BlockAccessCdb> = async (
  { lu },
  c,
): Promise<CommandResult> => {
  // NUMBER OF LOGICAL BLOCKS 0 means "to the end of the medium".
  if (
    !checkLbaRange(c.lba, c.blocks, lu.capacityBlocks) ||
    (c.blocks === 0 && c.lba === lu.capacityBlocks && lu.capacityBlocks > 0)
  ) {
    return check(SENSE.LOGICAL_BLOCK_ADDRESS_OUT_OF_RANGE);
  }
  try {
    await lu.flushMedium();
  } catch {
    return check(SENSE.WRITE_ERROR);
  }
  return good();
};

export const SYNCHRONIZE_CACHE_10 = commandRow({
  name: 'SYNCHRONIZE CACHE(10)',
  opcode: 0x35,
  direction: 'none',
  mediumAccess: true,
  reservation: 'write',
  usageAfterOpcode: [0x02, 0xff, 0xff, 0xff, 0xff, 0x00, 0xff, 0xff, 0x04],
  decode: decodeRw10,
  handler: synchronizeCache,
});
export const SYNCHRONIZE_CACHE_16 = commandRow({
  name: 'SYNCHRONIZE CACHE(16)',
  opcode: 0x91,
  direction: 'none',
  mediumAccess: true,
  reservation: 'write',
  usageAfterOpcode: [
    0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x04,
  ],
  decode: decodeRw16,
  handler: synchronizeCache,
});
