// PRE-FETCH(10/16), SBC-4 5.9-5.10: range and zone read checks; we keep no cache to fill, so the
// answer is GOOD ("not all blocks fit in the cache"), never CONDITION MET.
import { type BlockAccessDecoder, decodeRw10, decodeRw16 } from '../../cdb.js';
import type { CommandResult } from '../../command-result.js';
import type { CommandHandler, CommandSpec } from '../../command-spec.js';
import { good } from '../../response.js';
import { readSegments, validateAccess } from './block-io.js';

const preFetch =
  (decode: BlockAccessDecoder): CommandHandler =>
  ({ cdb, lu }): CommandResult => {
    const c = { ...decode(cdb), protect: 0 };
    const lba = validateAccess(lu, c, { write: false });
    if (typeof lba !== 'number') return lba;
    if (c.blocks === 0) return good();
    const segments = readSegments(lu, lba, c.blocks, cdb);
    return Array.isArray(segments) ? good() : (segments as CommandResult);
  };

export const PRE_FETCH_10: CommandSpec = {
  name: 'PRE-FETCH(10)',
  opcode: 0x34,
  cdbLength: 10,
  direction: 'none',
  usage: [0x34, 0x02, 0xff, 0xff, 0xff, 0xff, 0x00, 0xff, 0xff, 0x04],
  handler: preFetch(decodeRw10),
};
export const PRE_FETCH_16: CommandSpec = {
  name: 'PRE-FETCH(16)',
  opcode: 0x90,
  cdbLength: 16,
  direction: 'none',
  usage: [
    0x90, 0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x04,
  ],
  handler: preFetch(decodeRw16),
};
