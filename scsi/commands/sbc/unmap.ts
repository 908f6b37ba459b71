// UNMAP (42h), SBC-4 5.32: non-zoned LUs only (zoned ones answer INVALID COMMAND OPERATION CODE,
// ZBC-2: LBPME 0). Each block descriptor's range becomes deallocated (GET LBA STATUS reports
// it, reads return zeros) and is discarded when the store can; otherwise the old bytes stay in the
// store, so B2h reports LBPRZ 0 (they would reappear after a restart).
import { SENSE } from '../../../sense-tables/index.js';
import { readU64 } from '../../cdb.js';
import type { CommandResult } from '../../command-result.js';
import { type CommandContext, commandRow } from '../../command-spec.js';
import { checkLbaRange } from '../../lba.js';
import { check, good } from '../../response.js';
import { MAX_UNMAP_DESCRIPTORS } from '../spc/vpd-pages.js';
import { answer, deallocateBlocks, flushIfNeeded } from './block-io.js';
import { copyParameterData } from '../../parameter-data.js';

const HEADER = 8;
/** PARAMETER LIST LENGTH, bytes 7-8. */
const parameterListLength = (cdb: Buffer): number => cdb.readUInt16BE(7);
const DESCRIPTOR = 16;

async function unmap({ cmd, cdb, lu }: CommandContext): Promise<CommandResult> {
  if (((cdb[1] ?? 0) & 0x01) !== 0)
    return check(SENSE.INVALID_FIELD_IN_CDB, { field: { in: 'cdb', byte: 1, bit: 0 } }); // ANCHOR
  const listLength = parameterListLength(cdb);
  if (listLength === 0) return good();
  if (listLength < HEADER) return check(SENSE.PARAMETER_LIST_LENGTH_ERROR);
  if (lu.writeProtected) return check(SENSE.WRITE_PROTECTED);
  const data = copyParameterData(cmd.dataOut, listLength);
  if (data.length < HEADER) return check(SENSE.PARAMETER_LIST_LENGTH_ERROR);
  const descriptorBytes = Math.min(data.readUInt16BE(2), data.length - HEADER);
  const count = Math.floor(descriptorBytes / DESCRIPTOR);
  if (count > MAX_UNMAP_DESCRIPTORS)
    return check(SENSE.INVALID_FIELD_IN_PARAMETER_LIST, { field: { in: 'parameter', byte: 2 } });
  const ranges: [number, number][] = [];
  for (let i = 0; i < count; i++) {
    const at = HEADER + i * DESCRIPTOR;
    const lba = readU64(data, at);
    const blocks = data.readUInt32BE(at + 8);
    if (!checkLbaRange(lba, blocks, lu.capacityBlocks) || typeof lba === 'bigint') {
      return check(SENSE.LOGICAL_BLOCK_ADDRESS_OUT_OF_RANGE, {
        field: { in: 'parameter', byte: at },
      });
    }
    if (blocks > 0) ranges.push([lba, blocks]);
  }
  for (const [lba, blocks] of ranges) {
    const deallocated = await deallocateBlocks(lu, lba, blocks);
    if (!deallocated.ok) return deallocated.fault;
  }
  return lu.store.discard === undefined ? good() : answer(await flushIfNeeded(lu, false));
}

export const UNMAP = commandRow({
  name: 'UNMAP',
  opcode: 0x42,
  direction: 'out',
  mediumAccess: true,
  reservation: 'write',
  usageAfterOpcode: [0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0x04],
  unzonedOnly: true,
  dataOutLength: (cdb) => parameterListLength(cdb),
  handler: unmap,
});
