// VERIFY(10/12/16), SBC-4 5.33-5.35. BYTCHK 00b: medium verification under the read rules, no data;
// 01b: compare the Data-Out with the medium; 11b: compare one Data-Out block with every block.
import { SENSE } from '../../../sense-tables/index.js';
import type { BlockAccessCdb, BlockAccessDecoder } from '../../cdb.js';
import type { CommandResult } from '../../command-result.js';
import type { CommandHandler } from '../../command-spec.js';
import { copyParameterData } from '../../parameter-data.js';
import { check, good } from '../../response.js';
import { blockAccessSpec } from './block-access-spec.js';
import { READ_RULES, readBlocks, readSegments, validateAccess } from './block-io.js';

interface VerifyCdb extends BlockAccessCdb {
  /** BYTCHK, byte 1 bits 2:1. */
  readonly bytchk: number;
}

const withBytchk =
  (form: BlockAccessDecoder) =>
  (cdb: Buffer): VerifyCdb => ({ ...form(cdb), bytchk: ((cdb[1] ?? 0) >> 1) & 0x03 });

const verify: CommandHandler<VerifyCdb> = async ({ cmd, cdb, lu }, c): Promise<CommandResult> => {
  const bytchk = c.bytchk;
  if (bytchk === 0b10)
    return check(SENSE.INVALID_FIELD_IN_CDB, { field: { in: 'cdb', byte: 1, bit: 2 } });
  const access = validateAccess(lu, c, READ_RULES);
  if (!access.ok) return access.fault;
  const lba = access.value;
  if (c.blocks === 0) return good();
  const segments = readSegments(lu, lba, c.blocks, cdb);
  if (!segments.ok) return segments.fault;
  let stored: Buffer;
  try {
    stored = await readBlocks(lu, segments.value, lba, c.blocks);
  } catch {
    return check(SENSE.UNRECOVERED_READ_ERROR, { information: lba });
  }
  if (bytchk === 0) return good();
  const bs = lu.blockSize;
  const expectedBytes = bytchk === 0b01 ? c.blocks * bs : bs;
  // Short Data-Out: compare only what arrived (as writes write only whole received blocks).
  const data = copyParameterData(cmd.dataOut, expectedBytes);
  for (let block = 0; block < c.blocks; block++) {
    const want = bytchk === 0b01 ? data.subarray(block * bs, (block + 1) * bs) : data;
    if (want.length === 0) break;
    const have = stored.subarray(block * bs, block * bs + want.length);
    if (!have.equals(want)) {
      let i = 0;
      while (have[i] === want[i]) i++;
      // SBC-4 5.33: INFORMATION = offset in the Data-Out of the first byte that differed.
      return check(SENSE.MISCOMPARE_DURING_VERIFY_OPERATION, {
        information: (bytchk === 0b01 ? block * bs : 0) + i,
      });
    }
  }
  return good();
};

const dataOut = (_cdb: Buffer, c: VerifyCdb, bs: number): number =>
  c.bytchk === 0b01 ? c.blocks * bs : c.bytchk === 0b11 ? bs : 0;

/** Data-Out only to compare it: a read under persistent reservations (SPC-4 5.13.1). */
const common = {
  direction: 'out',
  reservation: 'read',
  commandClass: 'read',
  decode: withBytchk,
  handler: verify,
  dataOutLength: dataOut,
  byte1: 0xf6,
} as const;
export const VERIFY_10 = blockAccessSpec({ ...common, name: 'VERIFY(10)', opcode: 0x2f, form: 10 });
export const VERIFY_12 = blockAccessSpec({ ...common, name: 'VERIFY(12)', opcode: 0xaf, form: 12 });
export const VERIFY_16 = blockAccessSpec({ ...common, name: 'VERIFY(16)', opcode: 0x8f, form: 16 });
