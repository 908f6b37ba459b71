// PRE-FETCH(10/16), SBC-4 5.9-5.10: range and zone read checks; we keep no cache to fill, so the
// answer is GOOD ("not all blocks fit in the cache"), never CONDITION MET.
import { type BlockAccessCdb, type BlockAccessDecoder, decodeRw10, decodeRw16 } from '../../cdb.js';
import type { CommandResult } from '../../command-result.js';
import { type CommandHandler, commandRow } from '../../command-spec.js';
import { good } from '../../response.js';
import { READ_RULES, readSegments, validateAccess } from './block-io.js';

/** Byte 1 bits 7:5 are reserved here, not a PROTECT field: validateAccess must not see them. */
const withoutProtect =
  (form: BlockAccessDecoder) =>
  (cdb: Buffer): BlockAccessCdb => ({ ...form(cdb), protect: 0 });

const preFetch: CommandHandler<BlockAccessCdb> = ({ cdb, lu }, c): CommandResult => {
  const access = validateAccess(lu, c, READ_RULES);
  if (!access.ok) return access.fault;
  const lba = access.value;
  if (c.blocks === 0) return good();
  const segments = readSegments(lu, lba, c.blocks, cdb);
  return segments.ok ? good() : segments.fault;
};

export const PRE_FETCH_10 = commandRow({
  name: 'PRE-FETCH(10)',
  opcode: 0x34,
  direction: 'none',
  mediumAccess: true,
  reservation: 'read',
  usageAfterOpcode: [0x02, 0xff, 0xff, 0xff, 0xff, 0x00, 0xff, 0xff, 0x04],
  decode: withoutProtect(decodeRw10),
  handler: preFetch,
});
export const PRE_FETCH_16 = commandRow({
  name: 'PRE-FETCH(16)',
  opcode: 0x90,
  direction: 'none',
  mediumAccess: true,
  reservation: 'read',
  usageAfterOpcode: [
    0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x04,
  ],
  decode: withoutProtect(decodeRw16),
  handler: preFetch,
});
