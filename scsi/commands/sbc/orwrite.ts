// ORWRITE(16) 8Bh, SBC-4 5.8: the Data-Out is ORed into the stored blocks. Non-zoned LUs only
// (a read-modify-write has no place in a sequential zone). Reads and writes the range once.
import { SENSE } from '../../../sense-tables/index.js';
import { type BlockAccessCdb, decodeRw16 } from '../../cdb.js';
import type { CommandResult } from '../../command-result.js';
import { type CommandContext, commandRow } from '../../command-spec.js';
import { check, good } from '../../response.js';
import {
  answer,
  flushIfNeeded,
  WRITE_RULES,
  provisionedSegments,
  readBlocks,
  receivedBytes,
  validateAccess,
  writeBlocks,
} from './block-io.js';
import { transferBlocks } from './block-access-spec.js';

async function orWrite(ctx: CommandContext, c: BlockAccessCdb): Promise<CommandResult> {
  const { lu, cmd, cdb } = ctx;
  const access = validateAccess(lu, c, WRITE_RULES);
  if (!access.ok) return access.fault;
  const lba = access.value;
  const bs = lu.blockSize;
  // As for WRITE: only the whole blocks that arrived.
  const blocks = Math.min(c.blocks, Math.floor(receivedBytes(cmd.dataOut) / bs));
  if (blocks === 0) return good();
  let merged: Buffer;
  try {
    merged = await readBlocks(lu, provisionedSegments(lu, lba, blocks), lba, blocks);
  } catch {
    return check(SENSE.UNRECOVERED_READ_ERROR, { information: lba });
  }
  let at = 0;
  for (const s of cmd.dataOut) {
    const n = Math.min(s.length, merged.length - at);
    for (let i = 0; i < n; i++) merged[at + i] = (merged[at + i] ?? 0) | (s[i] ?? 0);
    at += n;
    if (at >= merged.length) break;
  }
  const io = () => lu.store.writev([merged], lba * bs);
  const written = await writeBlocks(lu, lba, blocks, io, cdb);
  if (!written.ok) return written.fault;
  return answer(await flushIfNeeded(lu, c.fua));
}

export const ORWRITE_16 = commandRow({
  name: 'ORWRITE(16)',
  opcode: 0x8b,
  direction: 'out',
  mediumAccess: true,
  reservation: 'write',
  usageAfterOpcode: [
    0xf8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x04,
  ],
  unzonedOnly: true,
  commandClass: 'write',
  span: decodeRw16,
  decode: decodeRw16,
  dataOutLength: transferBlocks,
  handler: orWrite,
});
