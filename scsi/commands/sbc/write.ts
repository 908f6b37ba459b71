// WRITE(6/10/12/16) SBC-4 5.36-5.40 and WRITE AND VERIFY(10/16) SBC-4 5.41-5.42: one handler,
// the decoders differ. WRITE AND VERIFY makes the data durable before GOOD (verification from
// the medium: the store's flush is our medium).
import { SENSE } from '../../../sense-tables/index.js';
import type { BlockAccessCdb } from '../../cdb.js';
import type { CommandHandler } from '../../command-spec.js';
import { check } from '../../response.js';
import { blockAccessSpec, transferBlocks } from './block-access-spec.js';
import { writeCommand } from './block-io.js';

const write: CommandHandler<BlockAccessCdb> = (ctx, c) => writeCommand(ctx, c);

/**
 * BYTCHK (byte 1 bits 2:1): 00b and 01b accepted; 10b/11b reserved for WRITE AND VERIFY. The
 * data is made durable before GOOD whatever FUA says.
 */
const writeAndVerify: CommandHandler<BlockAccessCdb> = (ctx, c) => {
  const bytchk = ((ctx.cdb[1] ?? 0) >> 1) & 0x03;
  if (bytchk > 1)
    return check(SENSE.INVALID_FIELD_IN_CDB, { field: { in: 'cdb', byte: 1, bit: 2 } });
  return writeCommand(ctx, c, true);
};

const plain = {
  direction: 'out',
  reservation: 'write',
  commandClass: 'write',
  handler: write,
  dataOutLength: transferBlocks,
} as const;
const verified = { ...plain, handler: writeAndVerify, byte1: 0xf6 } as const;
export const WRITE_6 = blockAccessSpec({
  ...plain,
  name: 'WRITE(6)',
  opcode: 0x0a,
  form: 6,
  byte1: 0x1f,
});
export const WRITE_10 = blockAccessSpec({
  ...plain,
  name: 'WRITE(10)',
  opcode: 0x2a,
  form: 10,
  byte1: 0xf8,
});
export const WRITE_12 = blockAccessSpec({
  ...plain,
  name: 'WRITE(12)',
  opcode: 0xaa,
  form: 12,
  byte1: 0xf8,
});
export const WRITE_16 = blockAccessSpec({
  ...plain,
  name: 'WRITE(16)',
  opcode: 0x8a,
  form: 16,
  byte1: 0xf8,
});
export const WRITE_AND_VERIFY_10 = blockAccessSpec({
  ...verified,
  name: 'WRITE AND VERIFY(10)',
  opcode: 0x2e,
  form: 10,
});
export const WRITE_AND_VERIFY_12 = blockAccessSpec({
  ...verified,
  name: 'WRITE AND VERIFY(12)',
  opcode: 0xae,
  form: 12,
});
export const WRITE_AND_VERIFY_16 = blockAccessSpec({
  ...verified,
  name: 'WRITE AND VERIFY(16)',
  opcode: 0x8e,
  form: 16,
});
