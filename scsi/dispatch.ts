// Runs one command on one LU: preflight in tgt's scsi_cmd_perform order (CDB length, NACA, LUN,
// unit attention, reservation, opcode/service action, stopped unit), then the handler; sense is
// encoded once, in the LU's format (Control page D_SENSE).
import createDebug from 'debug';
import { SENSE } from '../sense-tables/index.js';
import type { CommandResult, CommandSpec } from './command-spec.js';
import { groupCdbLength } from './command-table.js';
import { supportedOn } from './command-support.js';
import { inquiryForMissingLun } from './commands/spc/inquiry.js';
import { reportLunsFor } from './commands/spc/report-luns.js';
import { requestSenseForMissingLun } from './commands/spc/request-sense.js';
import type { LogicalUnit, TargetInfo } from './logical-unit.js';
import { accessesMedium } from './medium-access.js';
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

export function toOutcome(
  result: CommandResult,
  descriptorSense: boolean,
  dataOutLength?: number,
): ScsiOutcome {
  const extra = dataOutLength === undefined ? {} : { dataOutLength };
  if (result.status === 'reservation-conflict')
    return { status: ScsiStatus.RESERVATION_CONFLICT, ...extra };
  if (result.status === 'good') {
    return result.dataIn === undefined
      ? { status: ScsiStatus.GOOD, ...extra }
      : { status: ScsiStatus.GOOD, dataIn: result.dataIn, ...extra };
  }
  return {
    status: ScsiStatus.CHECK_CONDITION,
    sense: encodeSense(result.code, result.details, descriptorSense),
    ...extra,
  };
}

export async function dispatch(
  cmd: ScsiCommand,
  lu: LogicalUnit | undefined,
  target: TargetInfo,
): Promise<ScsiOutcome> {
  const cdb = cmd.cdb;
  const descriptor = lu?.descriptorSense ?? false;
  const opcode = cdb[0];
  if (opcode === undefined)
    return toOutcome(check(SENSE.INVALID_COMMAND_OPERATION_CODE), descriptor);

  const found = target.commands.lookup(opcode, cdb[1] ?? 0);
  const spec = found.kind === 'found' ? found.spec : undefined;
  const cdbLength = spec?.cdbLength ?? groupCdbLength(opcode);
  const spdtl =
    lu !== undefined && spec?.dataOutLength && cdb.length >= spec.cdbLength
      ? spec.dataOutLength(cdb.subarray(0, spec.cdbLength), lu.blockSize)
      : undefined;
  const answer = (result: CommandResult) => toOutcome(result, descriptor, spdtl);

  // CDB length: the transport hands us at least 16 bytes; a shorter (AHS-less) CDB is malformed.
  if (cdbLength !== undefined && cdb.length < cdbLength) {
    return answer(check(SENSE.INVALID_FIELD_IN_CDB, { field: { in: 'cdb', byte: 0 } }));
  }
  // CONTROL byte NACA (SAM-5 5.9.2): we do not support ACA (INQUIRY NORMACA = 0).
  if (cdbLength !== undefined && ((cdb[cdbLength - 1] ?? 0) & 0x04) !== 0) {
    return answer(
      check(SENSE.INVALID_FIELD_IN_CDB, { field: { in: 'cdb', byte: cdbLength - 1, bit: 2 } }),
    );
  }
  if (lu === undefined) {
    // SPC-4 4.6.4 / iSCSI reference §5: a LUN that is not mapped.
    if (opcode === OP_INQUIRY) return toOutcome(inquiryForMissingLun(cdb.subarray(0, 6)), false);
    if (opcode === OP_REPORT_LUNS)
      return toOutcome(reportLunsFor(cdb.subarray(0, 12), target), false);
    if (opcode === OP_REQUEST_SENSE)
      return toOutcome(requestSenseForMissingLun(cdb.subarray(0, 6)), false);
    return toOutcome(check(SENSE.LOGICAL_UNIT_NOT_SUPPORTED), false);
  }
  if (spec?.skipsUnitAttention !== true) {
    const ua = lu.unitAttentions.take(cmd.nexus.key);
    if (ua !== undefined) return answer(check(ua));
  }
  // SPC-2 reservation held by another nexus (SPC-2 5.5.1).
  if (
    lu.reservedBy !== null &&
    lu.reservedBy !== cmd.nexus.key &&
    spec?.allowedUnderReservation !== true
  ) {
    return spdtl === undefined
      ? { status: ScsiStatus.RESERVATION_CONFLICT }
      : { status: ScsiStatus.RESERVATION_CONFLICT, dataOutLength: spdtl };
  }
  // Persistent reservation held by another nexus (SPC-4 5.13.1 table 61); SPC-2 RESERVE and
  // RELEASE conflict whenever persistent reservations are in use (SPC-4 5.13.3).
  if (spec !== undefined && supportedOn(spec, lu)) {
    const spc2 = spec.opcode === OP_RESERVE_6 || spec.opcode === OP_RELEASE_6;
    if (
      (spc2 && lu.persistent.active) ||
      lu.persistent.conflicts(cmd.nexus.key, reservationAccess(spec))
    ) {
      return answer(reservationConflict());
    }
  }
  if (found.kind === 'unknown-opcode' || spec === undefined || !supportedOn(spec, lu)) {
    // An unknown service action of an opcode this LU serves at all (ZBC IN/OUT are not
    // served on non-zoned LUs, so any of their service actions is an unknown opcode there).
    const opcodeServed = target.commands.all.some((s) => s.opcode === opcode && supportedOn(s, lu));
    if (found.kind === 'unknown-service-action' && opcodeServed) {
      return answer(check(SENSE.INVALID_FIELD_IN_CDB, { field: { in: 'cdb', byte: 1, bit: 4 } }));
    }
    return answer(check(SENSE.INVALID_COMMAND_OPERATION_CODE));
  }
  // Stopped power condition (SBC-4 4.20): START STOP UNIT with START 1 makes it ready again.
  if (!lu.started && accessesMedium(spec)) {
    return answer(check(SENSE.LOGICAL_UNIT_NOT_READY_INITIALIZING_COMMAND_REQUIRED));
  }
  return answer(await runHandler(spec, cmd, cdb.subarray(0, spec.cdbLength), lu));
}

async function runHandler(
  spec: CommandSpec,
  cmd: ScsiCommand,
  cdb: Buffer,
  lu: LogicalUnit,
): Promise<CommandResult> {
  try {
    return await spec.handler({ cmd, cdb, lu });
  } catch (err) {
    // A throw is a bug (CHECK CONDITION is a returned value): HARDWARE ERROR, as tcmu-runner does.
    log('%s on lun %d threw: %O', spec.name, lu.lun, err);
    if (!reportedBugs.has(spec.name)) {
      reportedBugs.add(spec.name);
      console.error(`zbc-target: bug in ${spec.name} handler:`, err);
    }
    return check(SENSE.INTERNAL_TARGET_FAILURE);
  }
}
