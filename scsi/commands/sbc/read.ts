// READ(6/10/12/16), SBC-4 5.15-5.18: one handler, four decoders.
import { blockAccessSpec } from './block-access-spec.js';
import { readCommand } from './block-io.js';

const common = {
  direction: 'in',
  reservation: 'read',
  commandClass: 'read',
  handler: readCommand,
} as const;
export const READ_6 = blockAccessSpec({
  ...common,
  name: 'READ(6)',
  opcode: 0x08,
  form: 6,
  byte1: 0x1f,
});
export const READ_10 = blockAccessSpec({
  ...common,
  name: 'READ(10)',
  opcode: 0x28,
  form: 10,
  byte1: 0xf8,
});
export const READ_12 = blockAccessSpec({
  ...common,
  name: 'READ(12)',
  opcode: 0xa8,
  form: 12,
  byte1: 0xf8,
});
export const READ_16 = blockAccessSpec({
  ...common,
  name: 'READ(16)',
  opcode: 0x88,
  form: 16,
  byte1: 0xf8,
});
