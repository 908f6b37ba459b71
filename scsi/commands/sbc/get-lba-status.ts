// GET LBA STATUS (9Eh/12h), SBC-4 5.7: required with logical block provisioning management
// (LBPME 1, non-zoned LUs). We do not track which blocks are mapped, so one descriptor from the
// starting LBA reports "mapped or unknown" (provisioning status 0h, SBC-4 table 66).
import { SENSE } from '../../../sense-tables/index.js';
import { readU64, writeU64 } from '../../cdb.js';
import type { CommandContext, CommandResult, CommandSpec } from '../../command-spec.js';
import { check, dataIn } from '../../response.js';

const HEADER = 8;
const DESCRIPTOR = 16;

function getLbaStatus({ cdb, lu }: CommandContext): CommandResult {
  const lba = readU64(cdb, 2);
  if (typeof lba === 'bigint' || lba >= lu.capacityBlocks) {
    return check(SENSE.LOGICAL_BLOCK_ADDRESS_OUT_OF_RANGE);
  }
  const allocation = cdb.readUInt32BE(10);
  const blocks = Math.min(lu.capacityBlocks - lba, 0xffffffff);
  return dataIn(HEADER + DESCRIPTOR, allocation, (out) => {
    out.writeUInt32BE(HEADER + DESCRIPTOR - 4, 0); // PARAMETER DATA LENGTH
    writeU64(out, HEADER, lba);
    out.writeUInt32BE(blocks, HEADER + 8);
  });
}

export const GET_LBA_STATUS: CommandSpec = {
  name: 'GET LBA STATUS',
  opcode: 0x9e,
  serviceAction: 0x12,
  cdbLength: 16,
  direction: 'in',
  usage: [
    0x9e, 0x12, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x04,
  ],
  unzonedOnly: true,
  handler: getLbaStatus,
};
