// WRITE SAME(10/16), SBC-4 5.44-5.45: one block of Data-Out (or zeros with NDOB) written to every
// block of the range, by one writev per chunk that references the same buffer (no copies).
// UNMAP 1 on a non-zoned LU deallocates instead when the block is zeros and LBPRZ is 1.
import { SENSE } from '../../../sense-tables/index.js';
import { type BlockAccessCdb, type BlockAccessDecoder, decodeRw10, decodeRw16 } from '../../cdb.js';
import type { CommandResult } from '../../command-result.js';
import { type CommandContext, commandRow } from '../../command-spec.js';
import { check } from '../../response.js';
import {
  answer,
  deallocateBlocks,
  flushIfNeeded,
  leadingSegments,
  receivedBytes,
  validateAccess,
  WRITE_RULES,
  writeBlocks,
} from './block-io.js';

/** Blocks per writev: Linux's IOV_MAX is 1024. */
const SEGMENTS_PER_WRITE = 1024;

interface WriteSameCdb extends BlockAccessCdb {
  readonly unmap: boolean;
  readonly anchor: boolean;
  readonly ndob: boolean;
}

const decodeWithFlags =
  (decode: BlockAccessDecoder, hasNdob: boolean) =>
  (cdb: Buffer): WriteSameCdb => {
    const b1 = cdb[1] ?? 0;
    return {
      ...decode(cdb),
      fua: false,
      dpo: false,
      unmap: (b1 & 0x08) !== 0,
      anchor: (b1 & 0x10) !== 0,
      ndob: hasNdob && (b1 & 0x01) !== 0,
    };
  };

async function writeSame(ctx: CommandContext, c: WriteSameCdb): Promise<CommandResult> {
  const { lu, cmd } = ctx;
  // LBPME 0 on zoned LUs: UNMAP is an invalid field there (SBC-4 5.45; ZBC-2).
  if (c.unmap && lu.zones !== undefined)
    return check(SENSE.INVALID_FIELD_IN_CDB, { field: { in: 'cdb', byte: 1, bit: 3 } });
  // ANCHOR needs ANC_SUP, which B2h does not claim.
  if (c.anchor) return check(SENSE.INVALID_FIELD_IN_CDB, { field: { in: 'cdb', byte: 1, bit: 4 } });
  // Range first: libiscsi's WriteSame*.0blocks expects 5/21/00 for 0 blocks past the end.
  const access = validateAccess(lu, c, WRITE_RULES);
  if (!access.ok) return access.fault;
  const lba = access.value;
  // WSNZ 1 (B0h): NUMBER OF LOGICAL BLOCKS 0 ("to the end of the medium") is refused.
  if (c.blocks === 0) return check(SENSE.INVALID_FIELD_IN_CDB, { field: c.lengthField });
  const bs = lu.blockSize;
  // The Data-Out is exactly one block, or nothing with NDOB (SBC-4 5.49): any other amount is a
  // malformed command (libiscsi WriteSame*.InvalidDataOutSize), refused as LIO does.
  const received = receivedBytes(cmd.dataOut);
  if (received !== (c.ndob ? 0 : bs)) return check(SENSE.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT);
  let block: Buffer;
  if (c.ndob) block = Buffer.alloc(bs);
  else {
    const first = leadingSegments(cmd.dataOut, bs);
    block = first.length === 1 && first[0] !== undefined ? first[0] : Buffer.concat(first, bs);
  }
  // SBC-4 5.49: deallocating instead of writing is allowed only when a deallocated LBA reads
  // back what would have been written (LBPRZ 1 and a zero block).
  if (c.unmap && lu.deallocatedReadsZero && block.every((b) => b === 0)) {
    const deallocated = await deallocateBlocks(lu, lba, c.blocks);
    return deallocated.ok ? answer(await flushIfNeeded(lu, false)) : deallocated.fault;
  }
  // One plan for the whole range (nothing is written if the zone model refuses it), then one
  // writev per IOV_MAX blocks, each segment a view of the same block.
  const chunk = new Array<Buffer>(Math.min(SEGMENTS_PER_WRITE, c.blocks)).fill(block);
  const written = await writeBlocks(
    lu,
    lba,
    c.blocks,
    async () => {
      for (let done = 0; done < c.blocks; done += SEGMENTS_PER_WRITE) {
        const n = Math.min(SEGMENTS_PER_WRITE, c.blocks - done);
        await lu.store.writev(
          n === chunk.length ? chunk : new Array<Buffer>(n).fill(block),
          (lba + done) * bs,
        );
      }
    },
    ctx.cdb,
  );
  if (!written.ok) return written.fault;
  return answer(await flushIfNeeded(lu, false));
}

const decode10 = decodeWithFlags(decodeRw10, false);
const decode16 = decodeWithFlags(decodeRw16, true);

export const WRITE_SAME_10 = commandRow({
  name: 'WRITE SAME(10)',
  opcode: 0x41,
  direction: 'out',
  mediumAccess: true,
  reservation: 'write',
  usageAfterOpcode: [0xf8, 0xff, 0xff, 0xff, 0xff, 0x00, 0xff, 0xff, 0x04],
  commandClass: 'write',
  span: decodeRw10,
  decode: decode10,
  dataOutLength: (_cdb, _c, bs) => bs,
  handler: writeSame,
});
export const WRITE_SAME_16 = commandRow({
  name: 'WRITE SAME(16)',
  opcode: 0x93,
  direction: 'out',
  mediumAccess: true,
  reservation: 'write',
  usageAfterOpcode: [
    0xf9, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x04,
  ],
  commandClass: 'write',
  span: decodeRw16,
  decode: decode16,
  dataOutLength: (_cdb, c, bs) => (c.ndob ? 0 : bs),
  handler: writeSame,
});
