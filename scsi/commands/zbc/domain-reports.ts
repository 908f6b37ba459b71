// ZBC IN (95h) REPORT REALMS (06h) and REPORT ZONE DOMAINS (07h), ZBC-2 5.x: CDB decoding; the
// zone model selects and encodes (zbc/domains/domain-reports.ts). Both share REPORT ZONES' CDB
// shape: locator in bytes 2-9, ALLOCATION LENGTH 10-13, REPORTING OPTIONS byte 14 bits 5:0.
import type { DomainsReport, DomainsReportRequest } from '../../../zbc/domains/domain-reports.js';
import type { ZoneDomainsAccess } from '../../../zbc/domains/zone-domains.js';
import type { ZoneResult } from '../../../zbc/types.js';
import { readU32, readU64 } from '../../cdb.js';
import type { CommandResult } from '../../command-result.js';
import { type CommandContext, type CommandSpec, commandRow } from '../../command-spec.js';
import type { PrAccess } from '../../persistent-reservations.js';
import { dataIn } from '../../response.js';
import { zoneFaultResult } from './zone-fault-sense.js';
import { notZoned } from './zoned-lu.js';
import { ZBC_IN } from './zbc-in.js';

type Report = (d: ZoneDomainsAccess, req: DomainsReportRequest) => ZoneResult<DomainsReport>;

function handlerFor(report: Report) {
  return ({ cdb, lu }: CommandContext): CommandResult => {
    const domains = lu.zones?.domains;
    if (domains === undefined) return notZoned();
    const allocationLength = readU32(cdb, 10);
    const result = report(domains, {
      locator: readU64(cdb, 2),
      allocationLength,
      option: (cdb[14] ?? 0) & 0x3f,
    });
    if (!result.ok) return zoneFaultResult(result.fault, cdb);
    const answer = result.value;
    return dataIn(answer.size, allocationLength, (out) => answer.encode(out));
  };
}

/**
 * A ZBC IN service action of zone domains LUs; `usageAfterOpcode` is its CDB USAGE DATA after
 * byte 0 (SPC-4 6.35.3). ZONE ACTIVATE changes zones (a write under reservations), the others
 * only report.
 */
export function zbcInDomainsSpec(
  name: string,
  serviceAction: number,
  usageAfterOpcode: readonly number[],
  handler: CommandSpec['handler'],
  reservation: PrAccess = 'read',
): CommandSpec {
  return commandRow({
    name,
    opcode: ZBC_IN,
    serviceAction,
    direction: 'in',
    mediumAccess: true,
    reservation,
    usageAfterOpcode,
    zonedOnly: true,
    domainsOnly: true,
    handler,
  });
}

/** Locator, ALLOCATION LENGTH and REPORTING OPTIONS. */
const REPORT_USAGE = [0x1f, ...Array<number>(12).fill(0xff), 0x3f, 0x04];

export const REPORT_REALMS = zbcInDomainsSpec(
  'REPORT REALMS',
  0x06,
  REPORT_USAGE,
  handlerFor((d, req) => d.reportRealms(req)),
);
export const REPORT_ZONE_DOMAINS = zbcInDomainsSpec(
  'REPORT ZONE DOMAINS',
  0x07,
  REPORT_USAGE,
  handlerFor((d, req) => d.reportZoneDomains(req)),
);
