// TEST UNIT READY (00h), SPC-4 6.47: the LU is always ready once configured.
import { commandRow } from '../../command-spec.js';
import { good } from '../../response.js';

export const TEST_UNIT_READY = commandRow({
  name: 'TEST UNIT READY',
  opcode: 0x00,
  direction: 'none',
  mediumAccess: true,
  reservation: 'allowed',
  usageAfterOpcode: [0x00, 0x00, 0x00, 0x00, 0x04],
  handler: () => good(),
});
