// COMPARE AND WRITE 89h, SBC-4 5.3: the Data-Out holds NUMBER OF LOGICAL BLOCKS blocks to compare
// with the medium, then as many to write there if all of them matched; the compare and the write
// are one atomic operation (the LU's range gate holds the range exclusively). On zoned LUs the
// write is planned like a WRITE of the same blocks (ZBC-2 write rules), before anything is read.
import { SENSE } from '../../../sense-tables/index.js';
import { refused } from '../../../zbc/result.js';
import type { ReadSegment } from '../../../zbc/types.js';
import { type BlockAccessCdb, decodeRw16 } from '../../cdb.js';
import type { CommandResult, FieldPointer, Step } from '../../command-result.js';
import { type CommandContext, commandRow } from '../../command-spec.js';
import type { LogicalUnit } from '../../logical-unit.js';
import { copyParameterData } from '../../parameter-data.js';
import { check, good } from '../../response.js';
import { zoneFaultResult } from '../zbc/zone-fault-sense.js';
import {
  answer,
  flushIfNeeded,
  WRITE_RULES,
  provisionedSegments,
  readRange,
  receivedBytes,
  validateAccess,
  writeBlocks,
} from './block-io.js';

/** Byte 13: NUMBER OF LOGICAL BLOCKS (one byte; bytes 10-12 are reserved). */
const BLOCKS_FIELD: FieldPointer = Object.freeze({ in: 'cdb', byte: 13 });

/** The WRITE(16) layout minus TRANSFER LENGTH: LBA, WRPROTECT/DPO/FUA and field pointers alike. */
const decode = (cdb: Buffer): BlockAccessCdb => ({
  ...decodeRw16(cdb),
  blocks: cdb[13] ?? 0,
  lengthField: BLOCKS_FIELD,
});

async function compareAndWrite(ctx: CommandContext, c: BlockAccessCdb): Promise<CommandResult> {
  const { lu, cmd, cdb } = ctx;
  const blocks = c.blocks;
  const access = validateAccess(lu, c, WRITE_RULES);
  if (!access.ok) return access.fault;
  const lba = access.value;
  if (blocks > lu.maxCompareAndWriteBlocks) {
    return check(SENSE.INVALID_FIELD_IN_CDB, { field: BLOCKS_FIELD });
  }
  const bs = lu.blockSize;
  // Both halves must arrive whole: a partial compare or write has no meaning here. As tgt and
  // LIO, a Data-Out of any other length (also one sent with 0 blocks) is refused.
  if (receivedBytes(cmd.dataOut) !== 2 * blocks * bs) {
    return check(SENSE.INVALID_FIELD_IN_CDB, { field: BLOCKS_FIELD });
  }
  if (blocks === 0) return good(); // SBC-4 5.3: nothing read, compared or written
  // The ZBC write rules for the range, checked without committing.
  const planned = lu.zones?.planWrite(lba, blocks);
  if (planned?.ok === false) return zoneFaultResult(planned.fault, cdb);
  const data = copyParameterData(cmd.dataOut, 2 * blocks * bs);
  const written = await lu.gate.exclusive(lba, blocks, () => compareThenWrite(ctx, lba, data));
  if (!written.ok) return written.fault;
  return answer(await flushIfNeeded(lu, c.fua));
}

/** Under the exclusive range: read, compare the first half, write the second half. */
async function compareThenWrite(
  { lu, cdb }: CommandContext,
  lba: number,
  data: Buffer,
): Promise<Step<void>> {
  const bs = lu.blockSize;
  const blocks = data.length / (2 * bs);
  let stored: Buffer;
  try {
    stored = await readRange(lu, compareSegments(lu, lba, blocks), lba, blocks);
  } catch {
    return refused(check(SENSE.UNRECOVERED_READ_ERROR, { information: lba }));
  }
  const verify = data.subarray(0, blocks * bs);
  if (!stored.equals(verify)) {
    let i = 0;
    while (stored[i] === verify[i]) i++;
    // SBC-4 5.3: INFORMATION = offset in the Data-Out of the first byte that differed.
    return refused(check(SENSE.MISCOMPARE_DURING_VERIFY_OPERATION, { information: i }));
  }
  const write = data.subarray(blocks * bs);
  return writeBlocks(lu, lba, blocks, () => lu.store.writev([write], lba * bs), cdb, true);
}

/**
 * What the compare reads. Zoned: the zone read rules' runs; when those refuse (URSWRZ 0 and the
 * range at the write pointer of a sequential-write-required zone) the write plan was valid, so
 * every block lies at or above the write pointer and reads as zeros (ZBC-2 read rules).
 */
function compareSegments(lu: LogicalUnit, lba: number, blocks: number): readonly ReadSegment[] {
  if (lu.zones === undefined) return provisionedSegments(lu, lba, blocks);
  const r = lu.zones.checkRead(lba, blocks);
  return r.ok ? r.value : [{ lba, blocks, zeroFill: true }];
}

export const COMPARE_AND_WRITE = commandRow({
  name: 'COMPARE AND WRITE',
  opcode: 0x89,
  direction: 'out',
  mediumAccess: true,
  reservation: 'write',
  // WRPROTECT, DPO, FUA; LBA; NUMBER OF LOGICAL BLOCKS; GROUP NUMBER not examined; CONTROL NACA.
  usageAfterOpcode: [
    0xf8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0xff, 0x00, 0x04,
  ],
  decode,
  dataOutLength: (_cdb, c, bs) => 2 * c.blocks * bs,
  handler: compareAndWrite,
});
