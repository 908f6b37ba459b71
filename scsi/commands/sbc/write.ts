// WRITE(6/10/12/16) SBC-4 5.36-5.40 and WRITE AND VERIFY(10/16) SBC-4 5.41-5.42: one handler,
// the decoders differ. WRITE AND VERIFY makes the data durable before GOOD (verification from
// the medium: the store's flush is our medium).
import { SENSE } from '../../../sense-tables/index.js';
import {
  type BlockAccessDecoder,
  decodeRw6,
  decodeRw10,
  decodeRw12,
  decodeRw16,
} from '../../cdb.js';
import type { CommandHandler, CommandSpec } from '../../command-spec.js';
import { check } from '../../response.js';
import { writeCommand } from './block-io.js';

const write =
  (decode: BlockAccessDecoder): CommandHandler =>
  (ctx) =>
    writeCommand(ctx, decode(ctx.cdb));

/** BYTCHK (byte 1 bits 2:1): 00b and 01b accepted; 10b/11b reserved for WRITE AND VERIFY. */
const writeAndVerify =
  (decode: BlockAccessDecoder): CommandHandler =>
  (ctx) => {
    const bytchk = ((ctx.cdb[1] ?? 0) >> 1) & 0x03;
    if (bytchk > 1)
      return check(SENSE.INVALID_FIELD_IN_CDB, { field: { in: 'cdb', byte: 1, bit: 2 } });
    return writeCommand(ctx, { ...decode(ctx.cdb), fua: false }, true);
  };

const blocksOf = (decode: BlockAccessDecoder) => (cdb: Buffer, bs: number) =>
  decode(cdb).blocks * bs;

export const WRITE_6: CommandSpec = {
  name: 'WRITE(6)',
  opcode: 0x0a,
  cdbLength: 6,
  direction: 'out',
  usage: [0x0a, 0x1f, 0xff, 0xff, 0xff, 0x04],
  dataOutLength: blocksOf(decodeRw6),
  handler: write(decodeRw6),
};
export const WRITE_10: CommandSpec = {
  name: 'WRITE(10)',
  opcode: 0x2a,
  cdbLength: 10,
  direction: 'out',
  usage: [0x2a, 0xf8, 0xff, 0xff, 0xff, 0xff, 0x00, 0xff, 0xff, 0x04],
  dataOutLength: blocksOf(decodeRw10),
  handler: write(decodeRw10),
};
export const WRITE_12: CommandSpec = {
  name: 'WRITE(12)',
  opcode: 0xaa,
  cdbLength: 12,
  direction: 'out',
  usage: [0xaa, 0xf8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x04],
  dataOutLength: blocksOf(decodeRw12),
  handler: write(decodeRw12),
};
export const WRITE_16: CommandSpec = {
  name: 'WRITE(16)',
  opcode: 0x8a,
  cdbLength: 16,
  direction: 'out',
  usage: [
    0x8a, 0xf8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x04,
  ],
  dataOutLength: blocksOf(decodeRw16),
  handler: write(decodeRw16),
};
export const WRITE_AND_VERIFY_10: CommandSpec = {
  name: 'WRITE AND VERIFY(10)',
  opcode: 0x2e,
  cdbLength: 10,
  direction: 'out',
  usage: [0x2e, 0xf6, 0xff, 0xff, 0xff, 0xff, 0x00, 0xff, 0xff, 0x04],
  dataOutLength: blocksOf(decodeRw10),
  handler: writeAndVerify(decodeRw10),
};
export const WRITE_AND_VERIFY_16: CommandSpec = {
  name: 'WRITE AND VERIFY(16)',
  opcode: 0x8e,
  cdbLength: 16,
  direction: 'out',
  usage: [
    0x8e, 0xf6, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x04,
  ],
  dataOutLength: blocksOf(decodeRw16),
  handler: writeAndVerify(decodeRw16),
};
export const WRITE_AND_VERIFY_12: CommandSpec = {
  name: 'WRITE AND VERIFY(12)',
  opcode: 0xae,
  cdbLength: 12,
  direction: 'out',
  usage: [0xae, 0xf6, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x04],
  dataOutLength: blocksOf(decodeRw12),
  handler: writeAndVerify(decodeRw12),
};
