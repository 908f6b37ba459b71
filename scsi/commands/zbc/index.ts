// Zoned block commands (ZBC IN / ZBC OUT), registered by scsi/command-table.ts.
import type { CommandSpec } from '../../command-spec.js';
import { REPORT_REALMS, REPORT_ZONE_DOMAINS } from './domain-reports.js';
import { REPORT_ZONES } from './zbc-in.js';
import { ZBC_OUT_COMMANDS } from './zbc-out.js';
import {
  ZONE_ACTIVATE_16,
  ZONE_ACTIVATE_32,
  ZONE_QUERY_16,
  ZONE_QUERY_32,
} from './zone-activate.js';

export { lbaFieldPointer, ZONE_FAULT_SENSE, zoneFaultResult } from './zone-fault-sense.js';

export const ZBC_COMMANDS: readonly CommandSpec[] = [
  ...ZBC_OUT_COMMANDS,
  REPORT_ZONES,
  REPORT_REALMS,
  REPORT_ZONE_DOMAINS,
  ZONE_ACTIVATE_16,
  ZONE_QUERY_16,
  ZONE_ACTIVATE_32,
  ZONE_QUERY_32,
];
