// READ(6/10/12/16), SBC-4 5.15-5.18: one handler, four decoders.
import {
  type BlockAccessDecoder,
  decodeRw6,
  decodeRw10,
  decodeRw12,
  decodeRw16,
} from '../../cdb.js';
import type { CommandHandler, CommandSpec } from '../../command-spec.js';
import { readCommand } from './block-io.js';

const read =
  (decode: BlockAccessDecoder): CommandHandler =>
  (ctx) =>
    readCommand(ctx, decode(ctx.cdb));

export const READ_6: CommandSpec = {
  name: 'READ(6)',
  opcode: 0x08,
  cdbLength: 6,
  direction: 'in',
  usage: [0x08, 0x1f, 0xff, 0xff, 0xff, 0x04],
  handler: read(decodeRw6),
};
export const READ_10: CommandSpec = {
  name: 'READ(10)',
  opcode: 0x28,
  cdbLength: 10,
  direction: 'in',
  usage: [0x28, 0xf8, 0xff, 0xff, 0xff, 0xff, 0x00, 0xff, 0xff, 0x04],
  handler: read(decodeRw10),
};
export const READ_12: CommandSpec = {
  name: 'READ(12)',
  opcode: 0xa8,
  cdbLength: 12,
  direction: 'in',
  usage: [0xa8, 0xf8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x04],
  handler: read(decodeRw12),
};
export const READ_16: CommandSpec = {
  name: 'READ(16)',
  opcode: 0x88,
  cdbLength: 16,
  direction: 'in',
  usage: [
    0x88, 0xf8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x04,
  ],
  handler: read(decodeRw16),
};
