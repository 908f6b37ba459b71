// REPORT SUPPORTED TASK MANAGEMENT FUNCTIONS (A3h/0Dh), SPC-4 6.37, from one TMF table that
// target-device.ts's taskManagement follows.
import type { CommandResult } from '../../command-result.js';
import { type CommandContext, commandRow } from '../../command-spec.js';
import { dataIn } from '../../response.js';
import { TaskManagementFunction } from '../../target-contract.js';

/** Each supported TMF and its support bit (byte, mask) in the SPC-4 table 262 data. */
export const SUPPORTED_TMFS: readonly { fn: TaskManagementFunction; byte: number; mask: number }[] =
  [
    { fn: TaskManagementFunction.ABORT_TASK, byte: 0, mask: 0x80 }, // ATS
    { fn: TaskManagementFunction.ABORT_TASK_SET, byte: 0, mask: 0x40 }, // ATSS
    { fn: TaskManagementFunction.CLEAR_TASK_SET, byte: 0, mask: 0x10 }, // CTSS
    { fn: TaskManagementFunction.LOGICAL_UNIT_RESET, byte: 0, mask: 0x08 }, // LURS
    { fn: TaskManagementFunction.TARGET_WARM_RESET, byte: 0, mask: 0x02 }, // TRS
  ];

function reportSupportedTmfs({ cdb }: CommandContext): CommandResult {
  const repd = ((cdb[2] ?? 0) & 0x80) !== 0;
  const allocation = cdb.readUInt32BE(6);
  return dataIn(repd ? 16 : 4, allocation, (out) => {
    for (const t of SUPPORTED_TMFS) out[t.byte] = (out[t.byte] ?? 0) | t.mask;
    if (repd) out[3] = 0x0c; // ADDITIONAL DATA LENGTH
  });
}

export const REPORT_SUPPORTED_TASK_MANAGEMENT_FUNCTIONS = commandRow({
  name: 'REPORT SUPPORTED TASK MANAGEMENT FUNCTIONS',
  opcode: 0xa3,
  serviceAction: 0x0d,
  direction: 'in',
  mediumAccess: false,
  reservation: 'allowed',
  usageAfterOpcode: [0x0d, 0x80, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x00, 0x04],
  handler: reportSupportedTmfs,
});
