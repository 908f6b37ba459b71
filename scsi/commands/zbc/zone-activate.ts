// ZONE ACTIVATE and ZONE QUERY (ZBC-2 5.x): ZBC IN 95h service actions 08h/09h (16-byte CDB, in
// the LU's layout) and 7Fh service actions F800h/F801h (32-byte CDB, libzbc's draft). The zone
// model decides (zbc/domains/activation.ts); an activation is durable before GOOD: it persists
// the changed zone records and the realm table through the journal without a data flush (no WP
// goes up over unwritten data: every activated zone is EMPTY).
import createDebug from 'debug';
import { SENSE } from '../../../sense-tables/index.js';
import {
  type ActivationFault,
  type ActivationOutcome,
  type ActivationRequest,
  isActivationFault,
} from '../../../zbc/domains/activation.js';
import type { ZoneDomainsAccess } from '../../../zbc/domains/zone-domains.js';
import type { CommandResult } from '../../command-result.js';
import { type CommandContext, type CommandSpec, commandRow } from '../../command-spec.js';
import type { LogicalUnit } from '../../logical-unit.js';
import { check, dataIn } from '../../response.js';
import {
  type ActivationLayout,
  encodeResults,
  LIBZBC_16,
  LIBZBC_32,
  RESULTS_HEADER_BYTES,
  ZBC2R12_16,
} from './activation-layouts.js';
import { zbcInDomainsSpec } from './domain-reports.js';
import { notZoned } from './zoned-lu.js';

const log = createDebug('zbc:scsi:zbc');

const VARIABLE_LENGTH = 0x7f;
const ACTIVATE_32_SA = 0xf800;
const QUERY_32_SA = 0xf801;

function faultResult(fault: ActivationFault, layout: ActivationLayout): CommandResult {
  if (fault.kind === 'activation-lba-out-of-range')
    return check(SENSE.LOGICAL_BLOCK_ADDRESS_OUT_OF_RANGE);
  return check(SENSE.INVALID_FIELD_IN_CDB, { field: layout.fields[fault.field] });
}

/** What running an activation request gave: an outcome, a CDB fault or a SCSI failure. */
export type ActivationRun =
  | { readonly kind: 'outcome'; readonly outcome: ActivationOutcome }
  | { readonly kind: 'fault'; readonly fault: ActivationFault }
  | { readonly kind: 'failed'; readonly result: CommandResult };

/**
 * ZONE ACTIVATE / ZONE QUERY on a domains LU, for the SCSI and the ATA (ZAC-2) commands alike:
 * a write-protected medium refuses ZONE ACTIVATE, and an activation is durable before it answers.
 */
export async function performActivation(
  lu: LogicalUnit,
  domains: ZoneDomainsAccess,
  req: ActivationRequest,
): Promise<ActivationRun> {
  // ZONE ACTIVATE changes the medium's zones; ZONE QUERY only reads (SBC-4 4.11).
  if (!req.query && lu.writeProtected)
    return { kind: 'failed', result: check(SENSE.WRITE_PROTECTED) };
  const outcome = domains.activate(req);
  if (isActivationFault(outcome)) return { kind: 'fault', fault: outcome };
  if (outcome.capture !== undefined) {
    try {
      await lu.persistZoneCapture(outcome.capture);
    } catch (err) {
      log('ZONE ACTIVATE on lun %d: journal failed: %O', lu.lun, err);
      return { kind: 'failed', result: check(SENSE.INTERNAL_TARGET_FAILURE) };
    }
  }
  return { kind: 'outcome', outcome };
}

async function run(
  ctx: CommandContext,
  layout: ActivationLayout,
  query: boolean,
): Promise<CommandResult> {
  const { cdb, lu } = ctx;
  const domains = lu.zones?.domains;
  if (domains === undefined) return notZoned();
  const c = layout.decode(cdb);
  const done = await performActivation(lu, domains, {
    query,
    all: c.all,
    zoneId: c.zoneId,
    // No zone count in the CDB: the Zone Domains mode page's FSNOZ.
    zoneCount: c.zoneCount ?? lu.mode.fsnoz,
    domainId: c.domainId,
    maxActivation: lu.mode.maxActivation,
  });
  if (done.kind === 'failed') return done.result;
  if (done.kind === 'fault') return faultResult(done.fault, layout);
  const { outcome } = done;
  const size = RESULTS_HEADER_BYTES + outcome.ranges.length * layout.descriptorBytes;
  return dataIn(size, c.allocationLength, (out) => encodeResults(out, outcome, c, layout));
}

const layout16 = (ctx: CommandContext): ActivationLayout =>
  ctx.lu.activateLayout === 'zbc2r12' ? ZBC2R12_16 : LIBZBC_16;

/** CDB USAGE DATA covering both layouts' fields. */
const USAGE_16 = [0x9f, ...Array<number>(13).fill(0xff), 0x04];

function spec16(name: string, serviceAction: number, query: boolean): CommandSpec {
  const handler: CommandSpec['handler'] = (ctx) => run(ctx, layout16(ctx), query);
  return zbcInDomainsSpec(name, serviceAction, USAGE_16, handler, query ? 'read' : 'write');
}

export const ZONE_ACTIVATE_16 = spec16('ZONE ACTIVATE(16)', 0x08, false);
export const ZONE_QUERY_16 = spec16('ZONE QUERY(16)', 0x09, true);

/** The 32-byte forms: 7Fh with service action F800h / F801h (bytes 8-9), libzbc's layout. */
function spec32(name: string, serviceAction: number, query: boolean): CommandSpec {
  return commandRow({
    name,
    opcode: VARIABLE_LENGTH,
    serviceAction,
    direction: 'in',
    mediumAccess: true,
    reservation: query ? 'read' : 'write',
    // CONTROL is byte 1 of a variable-length CDB (SPC-4 4.2.3).
    usageAfterOpcode: [
      0x04,
      0,
      0,
      0,
      0,
      0,
      0xff,
      0xff,
      0xff,
      0xc0,
      0x3f,
      ...Array<number>(20).fill(0xff),
    ],
    zonedOnly: true,
    domainsOnly: true,
    // ADDITIONAL CDB LENGTH (byte 7) is checked by dispatch for every variable-length row.
    handler: (ctx) => run(ctx, LIBZBC_32, query),
  });
}

export const ZONE_ACTIVATE_32 = spec32('ZONE ACTIVATE(32)', ACTIVATE_32_SA, false);
export const ZONE_QUERY_32 = spec32('ZONE QUERY(32)', QUERY_32_SA, true);
