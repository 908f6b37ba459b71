// Shared steps of the block-access commands (SBC-4 4.x, ZBC-2): validation in the
// documented order, zone checks, reads into one buffer and writes of whole received blocks.
import createDebug from 'debug';
import { SENSE } from '../../../sense-tables/index.js';
import { ok, refused } from '../../../zbc/result.js';
import type { ReadSegment } from '../../../zbc/types.js';
import type { BlockAccessCdb } from '../../cdb.js';
import type { CommandResult, Step } from '../../command-result.js';
import type { CommandContext } from '../../command-spec.js';
import { checkLbaRange } from '../../lba.js';
import type { LogicalUnit } from '../../logical-unit.js';
import { check, good } from '../../response.js';
import { readBuffer } from '../../read-buffer.js';
import { zoneFaultResult } from '../zbc/zone-fault-sense.js';
import { enterSettleOrder } from './zone-write-order.js';

const log = createDebug('zbc:scsi:io');

export interface AccessRules {
  readonly write: boolean;
}

/**
 * Range, then transfer length, then write protection (ZBC-2 write checks). PROTECT fields
 * need protection information, which we do not support (READ CAPACITY(16) PROT_EN 0).
 * Ok with the numeric LBA when the access may proceed.
 */
export function validateAccess(
  lu: LogicalUnit,
  c: BlockAccessCdb,
  rules: AccessRules,
): Step<number> {
  if (c.protect !== 0)
    return refused(check(SENSE.INVALID_FIELD_IN_CDB, { field: { in: 'cdb', byte: 1, bit: 7 } }));
  if (!checkLbaRange(c.lba, c.blocks, lu.capacityBlocks) || typeof c.lba === 'bigint') {
    return refused(check(SENSE.LOGICAL_BLOCK_ADDRESS_OUT_OF_RANGE));
  }
  // B0h MAXIMUM TRANSFER LENGTH (also its MAXIMUM WRITE SAME LENGTH and MAXIMUM PREFETCH LENGTH).
  if (c.blocks > lu.maxTransferBlocks) {
    return refused(check(SENSE.INVALID_FIELD_IN_CDB, { field: c.lengthField }));
  }
  if (rules.write && lu.writeProtected) return refused(check(SENSE.WRITE_PROTECTED));
  return ok(c.lba);
}

/** A step that succeeded with nothing to hand on: shared, so finishing one costs nothing. */
export const DONE: Step<void> = Object.freeze(ok(undefined));

/** The command's answer once its last step ran: GOOD, or the step's failure. */
export function answer(step: Step<unknown>): CommandResult {
  return step.ok ? good() : step.fault;
}

/**
 * Zone read rules (ZBC-2): segments to read, or the mapped fault. Non-zoned: the provisioning
 * runs, deallocated ones zero-filled (the LBPRZ pattern, SBC-4 4.7.4.5; without a discarding store
 * the stale bytes are still there and must not be returned).
 */
export function readSegments(
  lu: LogicalUnit,
  lba: number,
  blocks: number,
  cdb: Buffer,
): Step<readonly ReadSegment[]> {
  if (lu.zones === undefined) return ok(provisionedSegments(lu, lba, blocks));
  const r = lu.zones.checkRead(lba, blocks);
  return r.ok ? r : refused(zoneFaultResult(r.fault, cdb));
}

/** Non-zoned read segments: mapped runs from the store, deallocated runs as zeros. */
export function provisionedSegments(
  lu: LogicalUnit,
  lba: number,
  blocks: number,
): readonly ReadSegment[] {
  const deallocated = lu.deallocated;
  if (deallocated === undefined || deallocated.extentCount === 0)
    return [{ lba, blocks, zeroFill: false }];
  return deallocated
    .runs(lba, blocks)
    .map((r) => ({ lba: r.lba, blocks: r.blocks, zeroFill: r.inSet }));
}

/**
 * Deallocates [lba, lba + blocks) of a non-zoned LU (UNMAP, WRITE SAME with UNMAP): the store
 * releases the range when it can, then the provisioning state records it, so a concurrent read
 * sees either the old data or zeros.
 */
export function deallocateBlocks(
  lu: LogicalUnit,
  lba: number,
  blocks: number,
): Promise<Step<void>> {
  if (blocks === 0 || lu.deallocated === undefined) return Promise.resolve(DONE);
  return lu.gate.shared(lba, blocks, () => deallocateRange(lu, lba, blocks));
}

async function deallocateRange(lu: LogicalUnit, lba: number, blocks: number): Promise<Step<void>> {
  const bs = lu.blockSize;
  try {
    await lu.store.discard?.(lba * bs, blocks * bs);
  } catch (err) {
    log('discard lun %d lba %d: %O', lu.lun, lba, err);
    return refused(check(SENSE.WRITE_ERROR, { information: lba }));
  }
  lu.deallocated?.add(lba, blocks);
  return DONE;
}

/**
 * Reads `blocks` from `lba` into one buffer (zero-filled where the zone model says so). Returns
 * the buffer itself when the store could read synchronously (the common small READ: no promise),
 * else a promise of it. Waits while a COMPARE AND WRITE holds an overlapping range.
 */
export function readBlocks(
  lu: LogicalUnit,
  segments: readonly ReadSegment[],
  lba: number,
  blocks: number,
): Buffer | Promise<Buffer> {
  if (!lu.gate.isOpen(lba, blocks)) {
    return lu.gate.shared(lba, blocks, async () => readRange(lu, segments, lba, blocks, false));
  }
  return readRange(lu, segments, lba, blocks, true);
}

/**
 * readBlocks without the range gate (the caller holds it, or registers here): `register` makes
 * an asynchronous remainder a shared access, so a COMPARE AND WRITE waits for it.
 */
export function readRange(
  lu: LogicalUnit,
  segments: readonly ReadSegment[],
  lba: number,
  blocks: number,
  register = false,
): Buffer | Promise<Buffer> {
  const bs = lu.blockSize;
  const out = readBuffer(blocks * bs);
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i] as ReadSegment;
    const from = (s.lba - lba) * bs;
    const to = from + s.blocks * bs;
    if (s.zeroFill) out.fill(0, from, to);
    else if (!lu.store.readIntoSync?.(viewOf(out, from, to), s.lba * bs)) {
      if (!register) return readRestAsync(lu, segments, i, lba, out);
      return lu.gate.shared(lba, blocks, () => readRestAsync(lu, segments, i, lba, out));
    }
  }
  return out;
}

/** `out[from, to)`, without making a view when that is all of it. */
function viewOf(out: Buffer, from: number, to: number): Buffer {
  return from === 0 && to === out.length ? out : out.subarray(from, to);
}

/** The segments from `first` on, through the store's asynchronous read. */
async function readRestAsync(
  lu: LogicalUnit,
  segments: readonly ReadSegment[],
  first: number,
  lba: number,
  out: Buffer,
): Promise<Buffer> {
  const bs = lu.blockSize;
  for (let i = first; i < segments.length; i++) {
    const s = segments[i] as ReadSegment;
    const from = (s.lba - lba) * bs;
    const to = from + s.blocks * bs;
    if (s.zeroFill) out.fill(0, from, to);
    else await lu.store.readInto(viewOf(out, from, to), s.lba * bs);
  }
  return out;
}

export const READ_RULES: AccessRules = Object.freeze({ write: false });
export const WRITE_RULES: AccessRules = Object.freeze({ write: true });

/** READ-family body: zone checks, then one buffer returned as Data-In (synchronously if it can). */
export function readCommand(
  ctx: CommandContext,
  c: BlockAccessCdb,
): CommandResult | Promise<CommandResult> {
  const { lu } = ctx;
  const access = validateAccess(lu, c, READ_RULES);
  if (!access.ok) return access.fault;
  const lba = access.value;
  if (c.blocks === 0) return good();
  const segments = readSegments(lu, lba, c.blocks, ctx.cdb);
  if (!segments.ok) return segments.fault;
  let data: Buffer | Promise<Buffer>;
  try {
    data = readBlocks(lu, segments.value, lba, c.blocks);
  } catch (err) {
    return readFailed(lu, lba, err);
  }
  if (data instanceof Promise) return data.then(good, (err: unknown) => readFailed(lu, lba, err));
  return good(data);
}

function readFailed(lu: LogicalUnit, lba: number, err: unknown): CommandResult {
  log('read lun %d lba %d: %O', lu.lun, lba, err);
  return check(SENSE.UNRECOVERED_READ_ERROR, { information: lba });
}

/** The first `bytes` bytes of the Data-Out segments, as views (never a copy). */
export function leadingSegments(segments: readonly Buffer[], bytes: number): Buffer[] {
  const out: Buffer[] = [];
  let left = bytes;
  for (const s of segments) {
    if (left <= 0) break;
    out.push(s.length <= left ? s : s.subarray(0, left));
    left -= Math.min(s.length, left);
  }
  return out;
}

export function receivedBytes(segments: readonly Buffer[]): number {
  let n = 0;
  for (const s of segments) n += s.length;
  return n;
}

/** The store writes of one command. */
type StoreIo = () => Promise<void>;

/**
 * Writes `blocks` blocks at `lba` by `io` (the store writes): plan the whole range first (zoned),
 * commit before awaiting I/O so the next command in CmdSN order sees the new WP, run the writes,
 * then settle the plan (in commit order within a sequential zone, zone-write-order.ts). A refused
 * plan writes nothing; a failed one leaves the zone as it was (ZoneModelContract.writeFailed).
 * `cdb` locates the fields a zone fault's sense points at. A shared access of the range gate: it
 * waits while a COMPARE AND WRITE holds an overlapping range (and runs synchronously up to `io`
 * when none does), unless the caller holds the range itself (`rangeHeld`).
 */
export function writeBlocks(
  lu: LogicalUnit,
  lba: number,
  blocks: number,
  io: StoreIo,
  cdb: Buffer,
  rangeHeld = false,
): Promise<Step<void>> {
  if (blocks === 0) return Promise.resolve(DONE);
  if (rangeHeld) return writeRange(lu, lba, blocks, io, cdb);
  return lu.gate.shared(lba, blocks, () => writeRange(lu, lba, blocks, io, cdb));
}

async function writeRange(
  lu: LogicalUnit,
  lba: number,
  blocks: number,
  io: StoreIo,
  cdb: Buffer,
): Promise<Step<void>> {
  const zones = lu.zones;
  if (zones === undefined) return writeUnzoned(lu, lba, blocks, io);
  const planned = zones.planWrite(lba, blocks);
  if (!planned.ok) return refused(zoneFaultResult(planned.fault, cdb));
  const plan = planned.value;
  zones.commitWrite(plan);
  const turn = enterSettleOrder(zones, plan);
  let failure: unknown = null;
  try {
    await io();
  } catch (err) {
    failure = err ?? new Error('write failed');
  }
  try {
    if (turn.previous !== null) await turn.previous;
    if (failure !== null) {
      zones.writeFailed(plan);
      return refused(writeFailed(lu, lba, failure));
    }
    // An earlier write to the zone failed: this one did not start at the WP after all.
    if (!zones.writeCompleted(plan)) {
      return refused(zoneFaultResult({ kind: 'unaligned-write', lba }, cdb));
    }
    return DONE;
  } finally {
    turn.leave();
  }
}

async function writeUnzoned(
  lu: LogicalUnit,
  lba: number,
  blocks: number,
  io: StoreIo,
): Promise<Step<void>> {
  try {
    await io();
  } catch (err) {
    return refused(writeFailed(lu, lba, err));
  }
  // Written LBAs are mapped (SBC-4 4.7.3.3); only after the data landed, so a concurrent read
  // of a deallocated block never sees stale bytes (a failed write leaves them deallocated).
  lu.deallocated?.remove(lba, blocks);
  return DONE;
}

/** Errors of a store that ran out of space (the backing file system is full, or a quota). */
const OUT_OF_SPACE: ReadonlySet<string> = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);

/**
 * The sense of a store write that failed. Out of space on a thin provisioned LU (LBPME 1: the
 * non-zoned ones) is the thin provisioning resource exhaustion of SBC-4 4.7.3 (SBC-3 4.7.3.6):
 * 7/27/07 SPACE ALLOCATION FAILED WRITE PROTECT, which Linux reports as ENOSPC rather than EIO.
 * A zoned LU is fully provisioned (LBPME 0), where SBC-4 has no allocation failure: running out
 * of space is a failure to record the data, 3/0C/00 WRITE ERROR, as any other store error.
 */
function writeFailed(lu: LogicalUnit, lba: number, err: unknown): CommandResult {
  log('write lun %d lba %d: %O', lu.lun, lba, err);
  const code = (err as { readonly code?: unknown } | null)?.code;
  if (lu.deallocated !== undefined && typeof code === 'string' && OUT_OF_SPACE.has(code)) {
    return check(SENSE.SPACE_ALLOCATION_FAILED_WRITE_PROTECT, { information: lba });
  }
  return check(SENSE.WRITE_ERROR, { information: lba });
}

/** FUA, or write-through when WCE is off (SBC-4 4.15): durable before GOOD. */
export async function flushIfNeeded(lu: LogicalUnit, fua: boolean): Promise<Step<void>> {
  if (!fua && lu.mode.wce) return DONE;
  try {
    await lu.flushMedium();
    return DONE;
  } catch (err) {
    log('flush lun %d: %O', lu.lun, err);
    return refused(check(SENSE.WRITE_ERROR));
  }
}

/**
 * WRITE-family body. Only whole blocks that arrived are written (iSCSIResiduals test: WRITE of 2
 * blocks with EDTL = one block writes block 0 and answers GOOD); surplus bytes are ignored. A short
 * Data-Out that ends inside a block cannot be written as the CDB says: the command fails with
 * INVALID FIELD IN COMMAND INFORMATION UNIT and writes nothing (as LIO; libiscsi 1.20's
 * iSCSIResiduals accepts that or the partial write).
 */
export async function writeCommand(
  ctx: CommandContext,
  c: BlockAccessCdb,
  forceFua = false,
): Promise<CommandResult> {
  const { lu, cmd } = ctx;
  const access = validateAccess(lu, c, WRITE_RULES);
  if (!access.ok) return access.fault;
  const lba = access.value;
  if (c.blocks === 0) return good();
  const bs = lu.blockSize;
  const received = receivedBytes(cmd.dataOut);
  if (received < c.blocks * bs && received % bs !== 0) {
    return check(SENSE.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT);
  }
  const blocks = Math.min(c.blocks, Math.floor(received / bs));
  const segments = leadingSegments(cmd.dataOut, blocks * bs);
  const written = await writeBlocks(
    lu,
    lba,
    blocks,
    () => lu.store.writev(segments, lba * bs),
    ctx.cdb,
  );
  if (!written.ok) return written.fault;
  return answer(await flushIfNeeded(lu, c.fua || forceFua));
}
