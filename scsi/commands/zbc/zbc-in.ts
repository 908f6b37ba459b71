// ZBC IN (95h), service action 00h REPORT ZONES (ZBC-2 5.x). Other service
// actions are answered by dispatch: INVALID FIELD IN CDB, pointer byte 1 bit 4.
import { readU32, readU64 } from '../../cdb.js';
import type { CommandResult } from '../../command-result.js';
import { type CommandContext, commandRow } from '../../command-spec.js';
import { dataIn } from '../../response.js';
import { zoneFaultResult } from './zone-fault-sense.js';
import { notZoned } from './zoned-lu.js';

export const ZBC_IN = 0x95;
export const REPORT_ZONES_SA = 0x00;

/**
 * The last reply per zone model, reused while neither the request (CDB bytes 2-14) nor any zone
 * changed: a full report of a large LU is megabytes, and a fresh buffer each time made V8 run
 * full garbage collections for the external memory. Replies are never written after encoding.
 */
interface CachedReport {
  readonly request: Buffer;
  readonly stateVersion: number;
  readonly result: CommandResult;
}
const lastReports = new WeakMap<object, CachedReport>();

function reportZones({ cdb, lu }: CommandContext): CommandResult {
  const zones = lu.zones;
  if (zones === undefined) return notZoned();
  const allocationLength = readU32(cdb, 10);
  const report = zones.reportZones({
    startLba: readU64(cdb, 2),
    allocationLength,
    partial: ((cdb[14] ?? 0) & 0x80) !== 0,
    // Bit 6 is reserved; libzbc and libata mask byte 14 with BFh (docs/initiators.md).
    option: (cdb[14] ?? 0) & 0x3f,
  });
  if (!report.ok) return zoneFaultResult(report.fault, cdb);
  const zoneList = report.value;
  const { stateVersion } = zoneList;
  const encode = (out: Buffer): void => zoneList.encode(out);
  if (stateVersion === undefined) return dataIn(zoneList.size, allocationLength, encode);
  const request = cdb.subarray(2, 15);
  const cached = lastReports.get(zones);
  if (cached?.stateVersion === stateVersion && cached.request.equals(request)) return cached.result;
  const result = dataIn(zoneList.size, allocationLength, encode);
  lastReports.set(zones, { request: Buffer.from(request), stateVersion, result });
  return result;
}

export const REPORT_ZONES = commandRow({
  name: 'REPORT ZONES',
  opcode: ZBC_IN,
  serviceAction: REPORT_ZONES_SA,
  direction: 'in',
  mediumAccess: true,
  reservation: 'read',
  // CDB USAGE DATA (SPC-4 6.35.3): ZONE START LBA, ALLOCATION LENGTH, PARTIAL and REPORTING OPTIONS.
  usageAfterOpcode: [
    0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xbf, 0x04,
  ],
  zonedOnly: true,
  handler: reportZones,
});
