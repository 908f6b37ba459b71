// Runs one command on one LU: preflight in tgt's scsi_cmd_perform order (CDB length, NACA, LUN,
// unit attention, reservation, opcode/service action, stopped unit), then the handler; sense is
// encoded once, in the LU's format (Control page D_SENSE).
import createDebug from 'debug';
import { SENSE } from '../sense-tables/index.js';
import type { CommandResult } from './command-result.js';
import type { CommandContext, CommandSpec, CommandTable } from './command-spec.js';
import { controlByteIndex, groupCdbLength } from './command-table.js';
import { supportedOn } from './command-support.js';
import { inquiryForMissingLun } from './commands/spc/inquiry.js';
import { reportLunsFor } from './commands/spc/report-luns.js';
import { requestSenseForMissingLun } from './commands/spc/request-sense.js';
import type { LogicalUnit, TargetInfo } from './logical-unit.js';
import { accessesMedium } from './medium-access.js';
import type { CommandHook, CommandView, HookAnswer } from './ports/command-hook.js';
import { check, reservationConflict } from './response.js';
import { reservationAccess } from './reservation-access.js';
import { encodeSense } from './sense.js';
import { type ScsiCommand, type ScsiOutcome, ScsiStatus } from './target.js';

const log = createDebug('zbc:scsi');

const OP_INQUIRY = 0x12;
const OP_REPORT_LUNS = 0xa0;
const OP_REQUEST_SENSE = 0x03;
const OP_RESERVE_6 = 0x16;
const OP_RELEASE_6 = 0x17;

/** Handler bugs already written to stderr, by command name: each is reported once. */
const reportedBugs = new Set<string>();

const GOOD_OUTCOME: ScsiOutcome = Object.freeze({ status: ScsiStatus.GOOD });
const CONFLICT_OUTCOME: ScsiOutcome = Object.freeze({ status: ScsiStatus.RESERVATION_CONFLICT });

export function toOutcome(
  result: CommandResult,
  descriptorSense: boolean,
  dataOutLength?: number,
): ScsiOutcome {
  const outcome = outcomeOf(result, descriptorSense);
  return dataOutLength === undefined ? outcome : { ...outcome, dataOutLength };
}

function outcomeOf(result: CommandResult, descriptorSense: boolean): ScsiOutcome {
  switch (result.status) {
    case 'good':
      return result.dataIn === undefined
        ? GOOD_OUTCOME
        : { status: ScsiStatus.GOOD, dataIn: result.dataIn };
    case 'reservation-conflict':
      return CONFLICT_OUTCOME;
    case 'check': {
      const descriptor = descriptorSense || result.details?.descriptorFormat === true;
      const sense = encodeSense(result.code, result.details, descriptor);
      return result.dataIn === undefined
        ? { status: ScsiStatus.CHECK_CONDITION, sense }
        : { status: ScsiStatus.CHECK_CONDITION, sense, dataIn: result.dataIn };
    }
  }
}

/** The first `length` bytes of the CDB, without a new view when that is all of it. */
function cdbOf(cdb: Buffer, length: number): Buffer {
  return cdb.length === length ? cdb : cdb.subarray(0, length);
}

/** A command hook and what it sees of this command (set only while a hook is armed). */
export interface Intercept {
  readonly hook: CommandHook;
  readonly view: CommandView;
}

/**
 * Preflight, then the handler. The outcome is returned directly when the handler answered
 * synchronously (a READ served from the page cache), so such a command costs no promise here.
 */
export function dispatch(
  cmd: ScsiCommand,
  lu: LogicalUnit | undefined,
  target: TargetInfo,
  commands: CommandTable,
  intercept?: Intercept,
): ScsiOutcome | Promise<ScsiOutcome> {
  const cdb = cmd.cdb;
  const descriptor = lu?.descriptorSense ?? false;
  const opcode = cdb[0];
  if (opcode === undefined)
    return toOutcome(check(SENSE.INVALID_COMMAND_OPERATION_CODE), descriptor);

  const found = commands.lookup(opcode, cdb[1] ?? 0);
  const spec = found.kind === 'found' ? found.spec : undefined;
  // A command this LU does not serve has no CDB length of its own (7Fh on a plain LU: 5/20/00).
  const served = spec !== undefined && (lu === undefined || supportedOn(spec, lu));
  const cdbLength = served ? spec.cdbLength : groupCdbLength(opcode);
  const spdtl =
    lu !== undefined && spec?.dataOutLength && cdb.length >= spec.cdbLength
      ? spec.dataOutLength(cdbOf(cdb, spec.cdbLength), lu.blockSize)
      : undefined;

  // CDB length: the transport hands us at least 16 bytes; a shorter (AHS-less) CDB is malformed.
  if (cdbLength !== undefined && cdb.length < cdbLength) {
    return toOutcome(
      check(SENSE.INVALID_FIELD_IN_CDB, { field: { in: 'cdb', byte: 0 } }),
      descriptor,
      spdtl,
    );
  }
  // CONTROL byte NACA (SAM-5 5.9.2): we do not support ACA (INQUIRY NORMACA = 0).
  const control = cdbLength === undefined ? -1 : controlByteIndex(opcode, cdbLength);
  if (control >= 0 && ((cdb[control] ?? 0) & 0x04) !== 0) {
    return toOutcome(
      check(SENSE.INVALID_FIELD_IN_CDB, { field: { in: 'cdb', byte: control, bit: 2 } }),
      descriptor,
      spdtl,
    );
  }
  if (lu === undefined) {
    // SPC-4 4.6.4 / SAM-5: a LUN that is not mapped.
    if (opcode === OP_INQUIRY) return toOutcome(inquiryForMissingLun(cdb.subarray(0, 6)), false);
    if (opcode === OP_REPORT_LUNS)
      return toOutcome(reportLunsFor(cdb.subarray(0, 12), target), false);
    if (opcode === OP_REQUEST_SENSE)
      return toOutcome(requestSenseForMissingLun(cdb.subarray(0, 6)), false);
    return toOutcome(check(SENSE.LOGICAL_UNIT_NOT_SUPPORTED), false);
  }
  if (spec?.skipsUnitAttention !== true) {
    const ua = lu.unitAttentions.take(cmd.nexus.key);
    if (ua !== undefined) return toOutcome(check(ua), descriptor, spdtl);
  }
  // SPC-2 reservation held by another nexus (SPC-2 5.5.1).
  if (
    lu.reservedBy !== null &&
    lu.reservedBy !== cmd.nexus.key &&
    spec?.allowedUnderReservation !== true
  ) {
    return toOutcome(reservationConflict(), descriptor, spdtl);
  }
  // Persistent reservation held by another nexus (SPC-4 5.13.1 table 61); SPC-2 RESERVE and
  // RELEASE conflict whenever persistent reservations are in use (SPC-4 5.13.3).
  if (spec !== undefined && supportedOn(spec, lu)) {
    const spc2 = spec.opcode === OP_RESERVE_6 || spec.opcode === OP_RELEASE_6;
    if (
      (spc2 && lu.persistent.active) ||
      lu.persistent.conflicts(cmd.nexus.key, reservationAccess(spec))
    ) {
      return toOutcome(reservationConflict(), descriptor, spdtl);
    }
  }
  if (found.kind === 'unknown-opcode' || spec === undefined || !supportedOn(spec, lu)) {
    // An unknown service action of an opcode this LU serves at all (ZBC IN/OUT are not
    // served on non-zoned LUs, so any of their service actions is an unknown opcode there).
    const opcodeServed = commands.all.some((s) => s.opcode === opcode && supportedOn(s, lu));
    // A service action this LU does not serve (REPORT REALMS on a plain zoned LU) is unknown here.
    const saUnknown = found.kind === 'unknown-service-action' || spec?.domainsOnly === true;
    if (saUnknown && opcodeServed) {
      return toOutcome(
        check(SENSE.INVALID_FIELD_IN_CDB, { field: { in: 'cdb', byte: 1, bit: 4 } }),
        descriptor,
        spdtl,
      );
    }
    return toOutcome(check(SENSE.INVALID_COMMAND_OPERATION_CODE), descriptor, spdtl);
  }
  // Stopped power condition (SBC-4 4.20): START STOP UNIT with START 1 makes it ready again.
  if (!lu.started && accessesMedium(spec)) {
    return toOutcome(
      check(SENSE.LOGICAL_UNIT_NOT_READY_INITIALIZING_COMMAND_REQUIRED),
      descriptor,
      spdtl,
    );
  }
  const ctx: CommandContext = { cmd, cdb: cdbOf(cdb, spec.cdbLength), lu, commands };
  if (intercept !== undefined) return intercepted(intercept, spec, ctx, spdtl);
  return run(spec, ctx, descriptor, spdtl);
}

function run(
  spec: CommandSpec,
  ctx: CommandContext,
  descriptor: boolean,
  spdtl: number | undefined,
): ScsiOutcome | Promise<ScsiOutcome> {
  const result = runHandler(spec, ctx);
  if (result instanceof Promise) return result.then((r) => toOutcome(r, descriptor, spdtl));
  return toOutcome(result, descriptor, spdtl);
}

/** The hook may answer instead of the handler, or delay it (it sees only commands that passed
 * preflight, so an injected error never hides a unit attention or a reservation conflict). */
function intercepted(
  intercept: Intercept,
  spec: CommandSpec,
  ctx: CommandContext,
  spdtl: number | undefined,
): ScsiOutcome | Promise<ScsiOutcome> {
  const lu = ctx.lu;
  const act = (answer: HookAnswer | undefined): ScsiOutcome | Promise<ScsiOutcome> => {
    // The LU's sense format is read when the answer is known: a delay may span a MODE SELECT.
    if (answer === undefined) return run(spec, ctx, lu.descriptorSense, spdtl);
    if (answer.kind === 'status') {
      const status: ScsiOutcome = { status: answer.status };
      return spdtl === undefined ? status : { ...status, dataOutLength: spdtl };
    }
    const information = answer.information;
    const details = information === undefined ? undefined : { information };
    return toOutcome(check(answer.code, details), lu.descriptorSense, spdtl);
  };
  const answer = intercept.hook.before(intercept.view);
  return answer instanceof Promise ? answer.then(act) : act(answer);
}

/** The handler's result as it comes (value or promise); a throw or rejection is a handler bug. */
function runHandler(spec: CommandSpec, ctx: CommandContext): CommandResult | Promise<CommandResult> {
  let result: CommandResult | Promise<CommandResult>;
  try {
    result = spec.handler(ctx);
  } catch (err) {
    return handlerBug(spec, ctx.lu, err);
  }
  if (result instanceof Promise) {
    return result.catch((err: unknown) => handlerBug(spec, ctx.lu, err));
  }
  return result;
}

/** A throw is a bug (CHECK CONDITION is a returned value): HARDWARE ERROR, as tcmu-runner does. */
function handlerBug(spec: CommandSpec, lu: LogicalUnit, err: unknown): CommandResult {
  log('%s on lun %d threw: %O', spec.name, lu.lun, err);
  if (!reportedBugs.has(spec.name)) {
    reportedBugs.add(spec.name);
    console.error(`zbc-target: bug in ${spec.name} handler:`, err);
  }
  return check(SENSE.INTERNAL_TARGET_FAILURE);
}
