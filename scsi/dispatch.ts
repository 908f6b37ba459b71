// Runs one command on one LU: preflight in tgt's scsi_cmd_perform order (CDB length, NACA, LUN,
// unit attention, reservation, opcode/service action, stopped unit), then the handler; sense is
// encoded once, in the LU's format (Control page D_SENSE). What each step needs to know of the
// command is in its row (scsi/command-spec.ts).
import createDebug from 'debug';
import { SENSE } from '../sense-tables/index.js';
import type { CommandResult } from './command-result.js';
import type { CommandContext, CommandSpec, CommandTable } from './command-spec.js';
import { controlByteIndex, groupCdbLength } from './command-table.js';
import { supportedOn } from './command-support.js';
import type { LogicalUnit, TargetInfo } from './logical-unit.js';
import { commandView } from './command-view.js';
import type { CommandClassification, CommandHook, HookAnswer } from './ports/command-hook.js';
import { check, reservationConflict } from './response.js';
import { releaserOf } from './read-buffer.js';
import { encodeSense } from './sense.js';
import { serviceActionField, serviceActionOf, VARIABLE_LENGTH } from './service-action.js';
import { type ScsiCommand, type ScsiOutcome, ScsiStatus } from './target-contract.js';

const log = createDebug('zbc:scsi');

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
    case 'good': {
      if (result.dataIn === undefined) return GOOD_OUTCOME;
      const dataInWritten = releaserOf(result.dataIn);
      return dataInWritten === undefined
        ? { status: ScsiStatus.GOOD, dataIn: result.dataIn }
        : { status: ScsiStatus.GOOD, dataIn: result.dataIn, dataInWritten };
    }
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

/**
 * A command hook, and where dispatch notes the row it found for the hook's observation. The
 * target keeps one per hook and reads `spec` as soon as dispatch returns (dispatch writes it
 * synchronously), so no command pays for a second lookup or a second decode.
 */
export interface Intercept {
  readonly hook: CommandHook;
  /** The command's row; undefined for an unknown opcode or service action. */
  spec: CommandSpec | undefined;
  /** What a row that classifies per command made of this one (ATA PASS-THROUGH), else none. */
  classified: CommandClassification | undefined;
}

/** A decoder that threw: a bug, answered like a handler's throw. */
const DECODE_FAILED = Symbol('decode failed');

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

  const found = commands.lookup(opcode, serviceActionOf(cdb));
  const spec = found.kind === 'found' ? found.spec : undefined;
  if (intercept !== undefined) {
    intercept.spec = spec;
    intercept.classified = undefined;
  }
  // A command this LU does not serve has no CDB length of its own (7Fh on a plain LU: 5/20/00).
  const served = spec !== undefined && (lu === undefined || supportedOn(spec, lu));
  const cdbLength = served ? spec.cdbLength : groupCdbLength(opcode);

  // CDB length: the transport hands us at least 16 bytes; a shorter (AHS-less) CDB is malformed.
  if (cdbLength !== undefined && cdb.length < cdbLength) {
    const field = { in: 'cdb', byte: 0 } as const;
    return toOutcome(check(SENSE.INVALID_FIELD_IN_CDB, { field }), descriptor);
  }
  // The row's view of the CDB, when it holds all of it (a command this LU does not serve may be
  // longer than the CDB: it is refused below and never decoded).
  const whole = spec !== undefined && cdb.length >= spec.cdbLength;
  const rowCdb = whole ? cdbOf(cdb, spec.cdbLength) : cdb;
  // The CDB is decoded once: its data length for the transport, its fields for the handler.
  const fields = whole && lu !== undefined ? decode(spec, rowCdb, lu) : undefined;
  if (fields === DECODE_FAILED) return toOutcome(check(SENSE.INTERNAL_TARGET_FAILURE), descriptor);
  const spdtl =
    whole && spec.dataOutLength !== undefined && lu !== undefined
      ? spec.dataOutLength(rowCdb, fields, lu.blockSize)
      : undefined;

  // ADDITIONAL CDB LENGTH of a variable-length CDB: the bytes after byte 7 (SPC-4 4.2.3).
  if (served && opcode === VARIABLE_LENGTH && cdb[7] !== spec.cdbLength - 8) {
    const field = { in: 'cdb', byte: 7 } as const;
    return toOutcome(check(SENSE.INVALID_FIELD_IN_CDB, { field }), descriptor, spdtl);
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
    // SPC-4 4.6.4 / SAM-5: a LUN that is not mapped; a few commands are still answered.
    if (spec?.withoutLu === undefined)
      return toOutcome(check(SENSE.LOGICAL_UNIT_NOT_SUPPORTED), false);
    return toOutcome(spec.withoutLu({ cmd, cdb: rowCdb, target, commands }), false);
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
  // Persistent reservation held by another nexus (SPC-4 5.13.1 table 61, 5.13.3).
  if (
    spec !== undefined &&
    supportedOn(spec, lu) &&
    lu.persistent.conflicts(cmd.nexus.key, spec.reservation)
  ) {
    return toOutcome(reservationConflict(), descriptor, spdtl);
  }
  if (found.kind === 'unknown-opcode' || spec === undefined || !supportedOn(spec, lu)) {
    // An unknown service action of an opcode this LU serves at all (ZBC IN/OUT are not
    // served on non-zoned LUs, so any of their service actions is an unknown opcode there).
    const opcodeServed = commands.all.some((s) => s.opcode === opcode && supportedOn(s, lu));
    // A service action this LU does not serve (REPORT REALMS on a plain zoned LU, ATA
    // PASS-THROUGH(32) on a SAS one that serves ZONE ACTIVATE(32)) is unknown here.
    const saUnknown =
      found.kind === 'unknown-service-action' ||
      spec?.domainsOnly === true ||
      spec?.sataOnly === true;
    if (saUnknown && opcodeServed) {
      const field = { in: 'cdb', ...serviceActionField(opcode) } as const;
      return toOutcome(check(SENSE.INVALID_FIELD_IN_CDB, { field }), descriptor, spdtl);
    }
    return toOutcome(check(SENSE.INVALID_COMMAND_OPERATION_CODE), descriptor, spdtl);
  }
  // Stopped power condition (SBC-4 4.20): START STOP UNIT with START 1 makes it ready again.
  if (!lu.started && spec.mediumAccess) {
    return toOutcome(
      check(SENSE.LOGICAL_UNIT_NOT_READY_INITIALIZING_COMMAND_REQUIRED),
      descriptor,
      spdtl,
    );
  }
  const ctx: CommandContext = { cmd, cdb: rowCdb, lu, target, commands };
  if (intercept !== undefined && spec.classify !== undefined) {
    // Metrics count such a command by what it carries, so it is classified even when no fault
    // is armed; other rows need nothing here.
    intercept.classified = spec.classify(rowCdb, fields);
  }
  if (intercept?.hook.intercepting === true)
    return intercepted(intercept.hook, intercept.classified, spec, ctx, fields, spdtl);
  return run(spec, ctx, fields, descriptor, spdtl);
}

function run(
  spec: CommandSpec,
  ctx: CommandContext,
  fields: unknown,
  descriptor: boolean,
  spdtl: number | undefined,
): ScsiOutcome | Promise<ScsiOutcome> {
  const result = runHandler(spec, ctx, fields);
  if (result instanceof Promise) return result.then((r) => toOutcome(r, descriptor, spdtl));
  return toOutcome(result, descriptor, spdtl);
}

/** The hook may answer instead of the handler, or delay it (it sees only commands that passed
 * preflight, so an injected error never hides a unit attention or a reservation conflict). */
function intercepted(
  hook: CommandHook,
  classified: CommandClassification | undefined,
  spec: CommandSpec,
  ctx: CommandContext,
  fields: unknown,
  spdtl: number | undefined,
): ScsiOutcome | Promise<ScsiOutcome> {
  const lu = ctx.lu;
  const act = (answer: HookAnswer | undefined): ScsiOutcome | Promise<ScsiOutcome> => {
    // The LU's sense format is read when the answer is known: a delay may span a MODE SELECT.
    if (answer === undefined) return run(spec, ctx, fields, lu.descriptorSense, spdtl);
    if (answer.kind === 'status') {
      const status: ScsiOutcome = { status: answer.status };
      return spdtl === undefined ? status : { ...status, dataOutLength: spdtl };
    }
    const information = answer.information;
    const injected =
      spec.injectedCheck?.(ctx, fields, answer.code, information) ??
      check(answer.code, information === undefined ? undefined : { information });
    return toOutcome(injected, lu.descriptorSense, spdtl);
  };
  const view = commandView(ctx.cmd, spec, ctx.cdb, ctx.commands, classified);
  const answer = hook.before(view);
  return answer instanceof Promise ? answer.then(act) : act(answer);
}

/** The row's decoder on the CDB (undefined for rows without one); a throw is a bug. */
function decode(spec: CommandSpec, cdb: Buffer, lu: LogicalUnit): unknown {
  if (spec.decode === undefined) return undefined;
  try {
    return spec.decode(cdb);
  } catch (err) {
    handlerBug(spec, lu, err);
    return DECODE_FAILED;
  }
}

/** The handler's result as it comes (value or promise); a throw or rejection is a handler bug. */
function runHandler(
  spec: CommandSpec,
  ctx: CommandContext,
  fields: unknown,
): CommandResult | Promise<CommandResult> {
  let result: CommandResult | Promise<CommandResult>;
  try {
    result = spec.handler(ctx, fields);
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
