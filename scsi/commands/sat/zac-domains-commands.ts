// ZAC-2 zone domains commands of a domains-and-realms SATA LU: ZAC MANAGEMENT IN (4Ah) REPORT
// REALMS, REPORT ZONE DOMAINS, ZONE ACTIVATE and ZONE QUERY, and the SET FEATURES activation
// controls. The zone model decides (zbc/domains, as for the SCSI commands); zbc/ata encodes.
// FSNOZ and MAXIMUM ACTIVATION are the Zone Domains mode page's values: one state, both faces.
import { SENSE } from '../../../sense-tables/index.js';
import type { ActivationFault } from '../../../zbc/domains/activation.js';
import { realmDescriptorBytes } from '../../../zbc/domains/domain-reports.js';
import { FSNOZ_MAX, MAX_ACTIVATION_MAX } from '../../../zbc/ata/zone-domains-info.js';
import {
  ACTIVATE_ALL,
  ActivationFeature,
  activationResultsBytes,
  encodeActivationResults,
  realmsToZac,
  ZacInAction,
  zoneDomainsToZac,
} from '../../../zbc/ata/zone-domains-ext.js';
import type { DomainsReport, DomainsReportRequest } from '../../../zbc/domains/domain-reports.js';
import type { ZoneDomainsAccess } from '../../../zbc/domains/zone-domains.js';
import type { ZoneResult } from '../../../zbc/types.js';
import { check } from '../../response.js';
import { performActivation } from '../zbc/zone-activate.js';
import { zoneFaultResult } from '../zbc/zone-fault-sense.js';
import type { AtaCommandRow, AtaContext } from './ata-command-row.js';
import { type AtaResult, done, fromScsi, UNSUPPORTED } from './ata-result.js';
import { setModeValue, setUrswrz } from './mode-change.js';
import { pageBytes, Protocol as P } from './task-file.js';

const ZAC_MANAGEMENT_IN = 0x4a;
const SET_FEATURES = 0xef;
const DMA_IN = [P.DMA, P.UDMA_DATA_IN];
/** FEATURE(15:8) of the reports: REPORTING OPTIONS in bits 5:0, bits 7:6 reserved. */
const OPTIONS_MASK = 0x3f;

/** A CDB-level refusal, with the sense the SCSI path gives for it. */
const invalidField = (): AtaResult => fromScsi(check(SENSE.INVALID_FIELD_IN_CDB));

type Report = (d: ZoneDomainsAccess, req: DomainsReportRequest) => ZoneResult<DomainsReport>;

/** A report: the ZBC-2 reply in full, turned into ZAC byte order, cut to the return buffer. */
function reportRow(
  name: string,
  action: number,
  report: Report,
  toZac: (out: Uint8Array, d: ZoneDomainsAccess) => void,
): AtaCommandRow {
  return {
    name,
    command: ZAC_MANAGEMENT_IN,
    feature: action,
    protocols: DMA_IN,
    direction: 'in',
    bytes: pageBytes,
    domainsOnly: true,
    handler: ({ tf, lu, cdb }: AtaContext): AtaResult => {
      const domains = lu.zones?.domains;
      if (domains === undefined) return UNSUPPORTED;
      const options = tf.features >> 8;
      if ((options & ~OPTIONS_MASK) !== 0) return invalidField();
      const allocationLength = pageBytes(tf);
      const r = report(domains, { locator: tf.lba, allocationLength, option: options });
      if (!r.ok) return fromScsi(zoneFaultResult(r.fault, cdb));
      const full = Buffer.alloc(r.value.size);
      r.value.encode(full);
      toZac(full, domains);
      return done(full.subarray(0, Math.min(full.length, allocationLength)));
    },
  };
}

function faultResult(fault: ActivationFault): AtaResult {
  if (fault.kind === 'activation-lba-out-of-range') {
    return fromScsi(check(SENSE.LOGICAL_BLOCK_ADDRESS_OUT_OF_RANGE));
  }
  return invalidField();
}

/**
 * ZONE ACTIVATE / ZONE QUERY EXT: LBA = ZONE ID, FEATURE(15:8) = the target zone domain ID,
 * FEATURE(7:0) bit 7 = ALL; the zone count is FSNOZ (NOZSRC is not supported: that FEATURE
 * value has no row, so the device aborts it). Unmet prerequisites complete without error.
 */
function activationRow(query: boolean, all: boolean): AtaCommandRow {
  const action = query ? ZacInAction.ZONE_QUERY : ZacInAction.ZONE_ACTIVATE;
  return {
    name: `ZONE ${query ? 'QUERY' : 'ACTIVATE'} EXT${all ? ' (ALL)' : ''}`,
    command: ZAC_MANAGEMENT_IN,
    feature: action | (all ? ACTIVATE_ALL : 0),
    protocols: DMA_IN,
    direction: 'in',
    bytes: pageBytes,
    domainsOnly: true,
    handler: async ({ tf, lu }: AtaContext): Promise<AtaResult> => {
      const domains = lu.zones?.domains;
      if (domains === undefined) return UNSUPPORTED;
      const run = await performActivation(lu, domains, {
        query,
        all,
        zoneId: tf.lba,
        zoneCount: lu.mode.fsnoz,
        domainId: tf.features >> 8,
        maxActivation: lu.mode.maxActivation,
      });
      if (run.kind === 'failed') return fromScsi(run.result);
      if (run.kind === 'fault') return faultResult(run.fault);
      const out = Buffer.alloc(Math.min(activationResultsBytes(run.outcome), pageBytes(tf)));
      encodeActivationResults(out, run.outcome, all);
      return done(out);
    },
  };
}

/** A SET FEATURES activation control: the value from the registers, checked, then applied. */
function controlRow(
  name: string,
  feature: number,
  apply: (ctx: AtaContext) => boolean,
): AtaCommandRow {
  return {
    name: `SET FEATURES (${name})`,
    command: SET_FEATURES,
    feature,
    protocols: [P.NON_DATA],
    direction: 'none',
    domainsOnly: true,
    handler: (ctx) => (apply(ctx) ? done() : invalidField()),
  };
}

export const ZAC_DOMAINS_COMMANDS: readonly AtaCommandRow[] = [
  reportRow(
    'REPORT REALMS',
    ZacInAction.REPORT_REALMS,
    (d, req) => d.reportRealms(req),
    (out, d) => realmsToZac(out, realmDescriptorBytes(d.map)),
  ),
  reportRow(
    'REPORT ZONE DOMAINS',
    ZacInAction.REPORT_ZONE_DOMAINS,
    (d, req) => d.reportZoneDomains(req),
    (out) => zoneDomainsToZac(out),
  ),
  activationRow(false, false),
  activationRow(false, true),
  activationRow(true, false),
  activationRow(true, true),
  // LBA(27:0) = FSNOZ; zero zones is refused, as the mode page refuses it.
  controlRow('zone activation control', ActivationFeature.ZONE_ACTIVATION_CONTROL, (ctx) => {
    if (ctx.tf.lba === 0 || ctx.tf.lba > FSNOZ_MAX) return false;
    setModeValue(ctx, 'fsnoz', ctx.tf.lba);
    return true;
  }),
  // COUNT = URSWRZ (0 or 1): the zone model's read rule, seen by VPD B6h and the mode page too.
  controlRow('update URSWRZ', ActivationFeature.UPDATE_URSWRZ, (ctx) => {
    if (ctx.lu.zones === undefined || ctx.tf.count > 1) return false;
    setUrswrz(ctx, ctx.tf.count === 1);
    return true;
  }),
  // LBA = MAXIMUM ACTIVATION in realms, 0 = unlimited.
  controlRow('maximum activation', ActivationFeature.MAX_ACTIVATION, (ctx) => {
    if (ctx.tf.lba > MAX_ACTIVATION_MAX) return false;
    setModeValue(ctx, 'maxActivation', ctx.tf.lba);
    return true;
  }),
];
