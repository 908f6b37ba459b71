// Zoned block commands (ZBC IN / ZBC OUT), registered by scsi/command-table.ts.
import type { CommandSpec } from '../../command-spec.js';
import { REPORT_ZONES } from './zbc-in.js';
import { ZBC_OUT_COMMANDS } from './zbc-out.js';

export { lbaFieldPointer, ZONE_FAULT_SENSE, zoneFaultResult } from './zone-fault-sense.js';

export const ZBC_COMMANDS: readonly CommandSpec[] = [...ZBC_OUT_COMMANDS, REPORT_ZONES];
