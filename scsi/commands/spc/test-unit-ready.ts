// TEST UNIT READY (00h), SPC-4 6.47: the LU is always ready once configured.
import type { CommandSpec } from '../../command-spec.js';
import { good } from '../../response.js';

export const TEST_UNIT_READY: CommandSpec = {
  name: 'TEST UNIT READY',
  opcode: 0x00,
  cdbLength: 6,
  direction: 'none',
  usage: [0x00, 0x00, 0x00, 0x00, 0x00, 0x04],
  handler: () => good(),
};
