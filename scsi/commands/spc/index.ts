// SPC commands served by every LU.
import type { CommandSpec } from '../../command-spec.js';
import { INQUIRY } from './inquiry.js';
import { MODE_SELECT_6, MODE_SELECT_10 } from './mode-select.js';
import { MODE_SENSE_6, MODE_SENSE_10 } from './mode-sense.js';
import { PERSISTENT_RESERVE_COMMANDS } from './persistent-reserve.js';
import { REPORT_LUNS } from './report-luns.js';
import { REPORT_SUPPORTED_OPERATION_CODES } from './report-supported-opcodes.js';
import { REPORT_SUPPORTED_TASK_MANAGEMENT_FUNCTIONS } from './report-supported-tmfs.js';
import { REQUEST_SENSE } from './request-sense.js';
import { RELEASE_6, RESERVE_6 } from './reserve-release.js';
import { TEST_UNIT_READY } from './test-unit-ready.js';

export const SPC_COMMANDS: readonly CommandSpec[] = [
  TEST_UNIT_READY,
  REQUEST_SENSE,
  INQUIRY,
  MODE_SELECT_6,
  MODE_SENSE_6,
  RESERVE_6,
  RELEASE_6,
  MODE_SELECT_10,
  MODE_SENSE_10,
  ...PERSISTENT_RESERVE_COMMANDS,
  REPORT_LUNS,
  REPORT_SUPPORTED_OPERATION_CODES,
  REPORT_SUPPORTED_TASK_MANAGEMENT_FUNCTIONS,
];
