// PERSISTENT RESERVE IN (5Eh) and OUT (5Fh), SPC-4 6.15/6.16 and 5.13: registrations per I_T
// nexus, one LU-scope reservation of the six types, PRgeneration. Not supported: SPEC_I_PT,
// APTPL (no persistence through power loss), REGISTER AND MOVE; PREEMPT AND ABORT preempts but
// aborts no task (the transport owns tasks).
import { SENSE, type SenseCode } from '../../../sense-tables/index.js';
import type { CommandResult } from '../../command-result.js';
import { type CommandContext, type CommandSpec, commandRow } from '../../command-spec.js';
import type { LogicalUnit } from '../../logical-unit.js';
import { copyParameterData } from '../../parameter-data.js';
import {
  isAllRegistrants,
  PR_TYPES,
  type PersistentReservations,
  PrType,
} from '../../persistent-reservations.js';
import { check, dataIn, good, reservationConflict } from '../../response.js';

const PR_IN = 0x5e;
const PR_OUT = 0x5f;
/** Basic PERSISTENT RESERVE OUT parameter list (SPC-4 table 191). */
const BASIC_PARAMETER_LIST = 24;

// ---- PERSISTENT RESERVE IN -------------------------------------------------------------------

type InHandler = (lu: LogicalUnit, allocation: number) => CommandResult;

/** READ KEYS, SPC-4 table 177. */
const readKeys: InHandler = (lu, allocation) => {
  const keys = [...lu.persistent.registrations.values()].map((r) => r.key);
  return dataIn(8 + 8 * keys.length, allocation, (out) => {
    out.writeUInt32BE(lu.persistent.generation, 0);
    out.writeUInt32BE(8 * keys.length, 4);
    keys.forEach((k, i) => out.writeBigUInt64BE(k, 8 + 8 * i));
  });
};

/** READ RESERVATION, SPC-4 tables 178/179. */
const readReservation: InHandler = (lu, allocation) => {
  const pr = lu.persistent;
  const r = pr.reservation;
  return dataIn(r === null ? 8 : 24, allocation, (out) => {
    out.writeUInt32BE(pr.generation, 0);
    if (r === null) return;
    out.writeUInt32BE(16, 4);
    out.writeBigUInt64BE(pr.holderKey(), 8);
    out[21] = r.type; // SCOPE 0h (LU_SCOPE), TYPE
  });
};

/** REPORT CAPABILITIES, SPC-4 table 180. */
const reportCapabilities: InHandler = (_lu, allocation) =>
  dataIn(8, allocation, (out) => {
    out.writeUInt16BE(8, 0); // LENGTH
    out[2] = 0x04; // ATP_C: ALL_TG_PT accepted (one target port); CRH, SIP_C, PTPL_C 0
    out[3] = 0x80; // TMV: the type mask is valid; ALLOW COMMANDS 0; PTPL_A 0
    out[4] = 0x80 | 0x40 | 0x20 | 0x08 | 0x02; // WR_EX_AR, EX_AC_RO, WR_EX_RO, EX_AC, WR_EX
    out[5] = 0x01; // EX_AC_AR
  });

/** iSCSI TransportID, format 01b (SPC-4 table 508 / RFC 7143): "<name>,i,0x<ISID>", padded. */
function transportId(initiatorName: string, isid: string): Buffer {
  const name = `${initiatorName},i,0x${isid}`;
  const length = (Buffer.byteLength(name, 'utf8') + 1 + 3) & ~3;
  const out = Buffer.alloc(4 + Math.max(20, length));
  out[0] = 0x40 | 0x05; // FORMAT CODE 01b, PROTOCOL IDENTIFIER iSCSI
  out.writeUInt16BE(out.length - 4, 2);
  out.write(name, 4, 'utf8');
  return out;
}

/** READ FULL STATUS, SPC-4 tables 181/182. */
const readFullStatus: InHandler = (lu, allocation) => {
  const pr = lu.persistent;
  const descriptors = [...pr.registrations.entries()].map(([key, reg]) => {
    const tid = transportId(reg.nexus.initiatorName, reg.nexus.isid);
    const d = Buffer.alloc(24 + tid.length);
    d.writeBigUInt64BE(reg.key, 0);
    if (pr.isHolder(key) && pr.reservation !== null) {
      d[12] = 0x01; // R_HOLDER
      d[13] = pr.reservation.type;
    }
    d.writeUInt16BE(lu.target.relativePort, 18);
    d.writeUInt32BE(tid.length, 20);
    tid.copy(d, 24);
    return d;
  });
  const body = descriptors.reduce((n, d) => n + d.length, 0);
  return dataIn(8 + body, allocation, (out) => {
    out.writeUInt32BE(pr.generation, 0);
    out.writeUInt32BE(body, 4);
    let at = 8;
    for (const d of descriptors) at += d.copy(out, at);
  });
};

const IN_ACTIONS: readonly [name: string, sa: number, handler: InHandler][] = [
  ['READ KEYS', 0x00, readKeys],
  ['READ RESERVATION', 0x01, readReservation],
  ['REPORT CAPABILITIES', 0x02, reportCapabilities],
  ['READ FULL STATUS', 0x03, readFullStatus],
];

// ---- PERSISTENT RESERVE OUT ------------------------------------------------------------------

interface OutRequest {
  readonly me: string;
  readonly ctx: CommandContext;
  readonly pr: PersistentReservations;
  /** RESERVATION KEY and SERVICE ACTION RESERVATION KEY. */
  readonly rk: bigint;
  readonly sark: bigint;
  readonly type: PrType;
}

type OutHandler = (req: OutRequest) => CommandResult;

/** A reservation-key check every service action but REGISTER AND IGNORE makes (SPC-4 5.13.5). */
function keyMatches(req: OutRequest): boolean {
  const key = req.pr.keyOf(req.me);
  return key !== undefined && key === req.rk;
}

function tellOthers(req: OutRequest, nexusKeys: Iterable<string>, code: SenseCode): void {
  for (const key of nexusKeys) if (key !== req.me) req.ctx.lu.unitAttentions.establish(key, code);
}

function unregister(req: OutRequest): void {
  const others = [...req.pr.registrations.keys()];
  if (req.pr.unregister(req.me)) tellOthers(req, others, SENSE.RESERVATIONS_RELEASED);
}

function registerAs(req: OutRequest, ignoreExisting: boolean): CommandResult {
  const { pr, me, sark } = req;
  const current = pr.keyOf(me);
  if (!ignoreExisting) {
    if (current === undefined && req.rk !== 0n) return reservationConflict();
    if (current !== undefined && current !== req.rk) return reservationConflict();
  }
  if (sark === 0n) {
    if (current === undefined) return good(); // unregistering nothing
    unregister(req);
  } else {
    const reg = pr.registrations.get(me);
    if (reg !== undefined) reg.key = sark;
    else pr.registrations.set(me, { nexus: req.ctx.cmd.nexus, key: sark });
  }
  pr.bumpGeneration();
  return good();
}

const reserve: OutHandler = (req) => {
  if (!keyMatches(req)) return reservationConflict();
  const r = req.pr.reservation;
  if (r !== null) {
    // The holder may repeat its own reservation; anything else conflicts (SPC-4 5.13.9).
    return req.pr.isHolder(req.me) && r.type === req.type ? good() : reservationConflict();
  }
  req.pr.reservation = { holder: req.me, type: req.type };
  return good();
};

const release: OutHandler = (req) => {
  if (!keyMatches(req)) return reservationConflict();
  const r = req.pr.reservation;
  if (r === null || !req.pr.isHolder(req.me)) return good(); // SPC-4 5.13.11.2.1: no effect
  if (r.type !== req.type) return check(SENSE.INVALID_RELEASE_OF_PERSISTENT_RESERVATION);
  req.pr.reservation = null;
  if (r.type !== PrType.WRITE_EXCLUSIVE && r.type !== PrType.EXCLUSIVE_ACCESS) {
    tellOthers(req, req.pr.registrations.keys(), SENSE.RESERVATIONS_RELEASED);
  }
  return good();
};

const clear: OutHandler = (req) => {
  if (!keyMatches(req)) return reservationConflict();
  tellOthers(req, [...req.pr.registrations.keys()], SENSE.RESERVATIONS_PREEMPTED);
  req.pr.clear();
  return good();
};

/** Removes the other registrations whose key is `key` (or all others for 0n); returns them. */
function removeRegistrations(req: OutRequest, key: bigint | null): string[] {
  const removed: string[] = [];
  for (const [nexusKey, reg] of req.pr.registrations) {
    if (nexusKey === req.me) continue;
    if (key === null || reg.key === key) removed.push(nexusKey);
  }
  for (const nexusKey of removed) req.pr.registrations.delete(nexusKey);
  tellOthers(req, removed, SENSE.REGISTRATIONS_PREEMPTED);
  return removed;
}

/** PREEMPT and PREEMPT AND ABORT, SPC-4 5.13.11.4. */
const preempt: OutHandler = (req) => {
  if (!keyMatches(req)) return reservationConflict();
  const { pr, sark } = req;
  const r = pr.reservation;
  if (r !== null && isAllRegistrants(r.type)) {
    removeRegistrations(req, sark === 0n ? null : sark);
    if (sark === 0n) pr.reservation = { holder: req.me, type: req.type };
    pr.bumpGeneration();
    return good();
  }
  if (r !== null && sark === pr.holderKey()) {
    removeRegistrations(req, sark);
    pr.reservation = { holder: req.me, type: req.type };
    pr.bumpGeneration();
    return good();
  }
  if (sark === 0n) {
    return check(SENSE.INVALID_FIELD_IN_PARAMETER_LIST, { field: { in: 'parameter', byte: 8 } });
  }
  if (removeRegistrations(req, sark).length === 0) return reservationConflict();
  if (r !== null && !pr.registrations.has(r.holder)) pr.reservation = null;
  pr.bumpGeneration();
  return good();
};

/** Service actions whose TYPE and SCOPE matter (SPC-4 table 190). */
const OUT_ACTIONS: readonly [name: string, sa: number, handler: OutHandler, typed: boolean][] = [
  ['REGISTER', 0x00, (req) => registerAs(req, false), false],
  ['RESERVE', 0x01, reserve, true],
  ['RELEASE', 0x02, release, true],
  ['CLEAR', 0x03, clear, false],
  ['PREEMPT', 0x04, preempt, true],
  ['PREEMPT AND ABORT', 0x05, preempt, true],
  ['REGISTER AND IGNORE EXISTING KEY', 0x06, (req) => registerAs(req, true), false],
];

function prOut(handler: OutHandler, typed: boolean) {
  return (ctx: CommandContext): CommandResult => {
    const { cdb, cmd, lu } = ctx;
    const type = (cdb[2] ?? 0) & 0x0f;
    if (typed && (cdb[2] ?? 0) >> 4 !== 0) {
      return check(SENSE.INVALID_FIELD_IN_CDB, { field: { in: 'cdb', byte: 2, bit: 7 } }); // SCOPE
    }
    if (typed && !PR_TYPES.has(type)) {
      return check(SENSE.INVALID_FIELD_IN_CDB, { field: { in: 'cdb', byte: 2, bit: 3 } }); // TYPE
    }
    if (cdb.readUInt32BE(5) !== BASIC_PARAMETER_LIST)
      return check(SENSE.PARAMETER_LIST_LENGTH_ERROR);
    const data = copyParameterData(cmd.dataOut, BASIC_PARAMETER_LIST);
    if (data.length < BASIC_PARAMETER_LIST) return check(SENSE.PARAMETER_LIST_LENGTH_ERROR);
    const flags = data[20] ?? 0;
    if ((flags & 0x08) !== 0) {
      return check(SENSE.INVALID_FIELD_IN_PARAMETER_LIST, {
        field: { in: 'parameter', byte: 20, bit: 3 },
      }); // SPEC_I_PT
    }
    if ((flags & 0x01) !== 0) {
      return check(SENSE.INVALID_FIELD_IN_PARAMETER_LIST, {
        field: { in: 'parameter', byte: 20, bit: 0 },
      }); // APTPL
    }
    return handler({
      me: cmd.nexus.key,
      ctx,
      pr: lu.persistent,
      rk: data.readBigUInt64BE(0),
      sark: data.readBigUInt64BE(8),
      type: type as PrType,
    });
  };
}

export const PERSISTENT_RESERVE_COMMANDS: readonly CommandSpec[] = [
  ...IN_ACTIONS.map(([name, sa, handler]) =>
    commandRow({
      name: `PERSISTENT RESERVE IN (${name})`,
      opcode: PR_IN,
      serviceAction: sa,
      direction: 'in',
      mediumAccess: false,
      reservation: 'allowed',
      usageAfterOpcode: [sa, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0x04],
      handler: ({ cdb, lu }) => handler(lu, cdb.readUInt16BE(7)),
    }),
  ),
  ...OUT_ACTIONS.map(([name, sa, handler, typed]) =>
    commandRow({
      name: `PERSISTENT RESERVE OUT (${name})`,
      opcode: PR_OUT,
      serviceAction: sa,
      direction: 'out',
      mediumAccess: false,
      // Checks registrations itself (SPC-4 5.13.1 table 61).
      reservation: 'allowed',
      usageAfterOpcode: [sa, typed ? 0xff : 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x04],
      dataOutLength: (cdb) => cdb.readUInt32BE(5),
      handler: prOut(handler, typed),
    }),
  ),
];
