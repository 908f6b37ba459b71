// May a command start ahead of older commands of its I_T nexus that have not started (their
// Data-Out still arriving)? SAM-5 lets the device server reorder SIMPLE commands; our Control mode
// page reports QUEUE ALGORITHM MODIFIER 0 (SPC-5 Control mode page: restricted reordering), so
// the medium must end as if they had run in order. The transport applies the task attribute rules
// and asks here about the data: a command passes only when nothing it reads or changes is changed
// by an older one, nothing it changes is read by one, and the first command to run would not
// report a different unit attention.
//
// Only a few commands without Data-Out ever pass (READ, RESET WRITE POINTER of one zone,
// SYNCHRONIZE CACHE, TEST UNIT READY, and their ATA counterparts through ATA PASS-THROUGH on a
// SATA LU); what is not in the tables below is a barrier.
import { type BlockAccessDecoder, decodeRw6, decodeRw10, decodeRw12, decodeRw16 } from './cdb.js';
import { readU16, readU64 } from './cdb.js';
import { ATA_COMMAND_TABLE } from './commands/sat/ata-command-table.js';
import { ATA_PASS_THROUGH_32 } from './commands/sat/ata-pass-through.js';
import { decodeTaskFile } from './commands/sat/task-file.js';
import { serviceActionOf, VARIABLE_LENGTH } from './service-action.js';
import { zacAll } from '../zbc/ata/zac-management.js';
import type { LogicalUnit } from './logical-unit.js';
import type { QueuedCommand } from './target-contract.js';
import { ZoneCondition } from '../zbc/types.js';

/** What a command reads or changes of its LU: an LBA span [lba, end) and the zone resources. */
interface Footprint {
  /** May start ahead of older commands (it has no Data-Out and its effects are all here). */
  readonly passes: boolean;
  readonly lba: number;
  /** Equal to lba: no LBA at all. */
  readonly end: number;
  /** Changes the span (data, write pointers, zone conditions), else only depends on it. */
  readonly changes: boolean;
  /** Changes or depends on the open and active zone counts (ZBC-2 zone resources). */
  readonly zoneResources: boolean;
}

type FootprintOf = (lu: LogicalUnit, cdb: Buffer) => Footprint | null;

/** Touches no LBA and no zone: depends only on LU state that only barriers change. */
const NOTHING: Footprint = { passes: true, lba: 0, end: 0, changes: false, zoneResources: false };

/**
 * On a zoned LU a span covers whole zones (zone pitch, gap included): a read's outcome depends
 * on its zones' write pointers and conditions, not only on its blocks.
 */
function span(lu: LogicalUnit, lba: number, blocks: number, base: Omit<Footprint, 'lba' | 'end'>) {
  const pitch = lu.zones?.layout.zoneSizeBlocks;
  if (pitch === undefined || blocks === 0) return { ...base, lba, end: lba + blocks };
  const first = Math.floor(lba / pitch) * pitch;
  return { ...base, lba: first, end: Math.ceil((lba + blocks) / pitch) * pitch };
}

/** Reads its blocks (their zones' write pointers and conditions on a zoned LU). */
const readSpan = (lu: LogicalUnit, lba: number, blocks: number): Footprint =>
  span(lu, lba, blocks, { passes: true, changes: false, zoneResources: false });

/** A write on a zoned LU may open a zone implicitly, or close another to make room. */
const writeSpan = (lu: LogicalUnit, lba: number, blocks: number): Footprint =>
  span(lu, lba, blocks, { passes: false, changes: true, zoneResources: lu.zones !== undefined });

const read =
  (decode: BlockAccessDecoder): FootprintOf =>
  (lu, cdb) => {
    const { lba, blocks } = decode(cdb);
    return typeof lba === 'bigint' ? null : readSpan(lu, lba, blocks);
  };

const write =
  (decode: BlockAccessDecoder): FootprintOf =>
  (lu, cdb) => {
    const { lba, blocks } = decode(cdb);
    return typeof lba === 'bigint' ? null : writeSpan(lu, lba, blocks);
  };

/**
 * SYNCHRONIZE CACHE (SBC-4 5.26/5.27) records "the most recent data values" the device server
 * holds for its range: those of writes completed before it starts (LogicalUnit.flushMedium
 * captures the write pointers of completed writes only). An older write still receiving its
 * Data-Out has given the device server no data values, and in CmdSN order it would only have
 * started, not completed, before the flush: it is not covered either way. The flush changes no
 * data a command reads, so it passes older writes.
 */
const synchronizeCache: FootprintOf = () => NOTHING;

const ZBC_OUT_RESET_WRITE_POINTER = 0x04;

/**
 * ZBC OUT: RESET WRITE POINTER of one zone passes. It changes that zone only; when the zone is
 * EMPTY or FULL it frees no open or active zone (ZBC-2 zone resources), so an older write to
 * another zone meets the same resources either way. Other actions, ALL and counts are barriers.
 */
const zbcOut: FootprintOf = (lu, cdb) => {
  if ((cdb[1] ?? 0) !== ZBC_OUT_RESET_WRITE_POINTER) return null;
  if (((cdb[14] ?? 0) & 0x01) !== 0) return null;
  return resetOneZone(lu, readU64(cdb, 2), readU16(cdb, 12));
};

/** RESET WRITE POINTER of the one zone starting at `zoneId` (zone count 0 or 1), else null. */
function resetOneZone(lu: LogicalUnit, zoneId: number | bigint, count: number): Footprint | null {
  const zones = lu.zones;
  if (zones === undefined || count > 1) return null;
  if (typeof zoneId === 'bigint' || zoneId >= lu.capacityBlocks) return null;
  const zone = zones.zoneAt(zones.zoneIndexOf(zoneId));
  if (zone.start !== zoneId) return null;
  const neutral = zone.condition === ZoneCondition.EMPTY || zone.condition === ZoneCondition.FULL;
  const effect = { passes: true, changes: true, zoneResources: !neutral };
  return span(lu, zone.start, zone.length, effect);
}

const ATA_FLUSH_CACHE = new Set([0xe7, 0xea]); // FLUSH CACHE, FLUSH CACHE EXT (ACS-4 7.14/7.15)

/**
 * ATA PASS-THROUGH (12)/(16)/(32) on a SATA LU: the ATA command's footprint, as its SCSI
 * counterpart's. Reads and writes cover their LBA range (the row's span), FLUSH CACHE (EXT) is
 * SYNCHRONIZE CACHE, ZAC RESET WRITE POINTER EXT of one zone is ZBC OUT's. Field checks that
 * refuse a command depend on its CDB only, not on the order. A 7Fh CDB that is not a whole
 * ATA PASS-THROUGH(32) is a barrier (dispatch refuses it).
 */
const ataPassThrough: FootprintOf = (lu, cdb) => {
  if (lu.sata === undefined) return null;
  if (cdb[0] === VARIABLE_LENGTH) {
    const { cdbLength, serviceAction } = ATA_PASS_THROUGH_32;
    if (cdb.length < cdbLength || serviceActionOf(cdb) !== serviceAction) return null;
  }
  const tf = decodeTaskFile(cdb);
  if (ATA_FLUSH_CACHE.has(tf.command)) return NOTHING;
  const row = ATA_COMMAND_TABLE.lookup(tf.command, tf.features);
  if (row?.zoneAction === 'reset' && !zacAll(tf.features)) {
    return resetOneZone(lu, tf.lba, tf.count);
  }
  if (row?.span === undefined) return null;
  const { lba, blocks } = row.span(tf);
  if (typeof lba === 'bigint' || typeof blocks === 'bigint') return null;
  if (row.commandClass === 'read') return readSpan(lu, lba, blocks);
  return row.commandClass === 'write' ? writeSpan(lu, lba, blocks) : null;
};

/** By opcode: the only commands that are not barriers. */
const FOOTPRINTS: ReadonlyMap<number, FootprintOf> = new Map<number, FootprintOf>([
  [0x00, () => NOTHING], // TEST UNIT READY
  [0x08, read(decodeRw6)], // READ(6)
  [0x28, read(decodeRw10)], // READ(10)
  [0xa8, read(decodeRw12)], // READ(12)
  [0x88, read(decodeRw16)], // READ(16)
  [0x0a, write(decodeRw6)], // WRITE(6)
  [0x2a, write(decodeRw10)], // WRITE(10)
  [0xaa, write(decodeRw12)], // WRITE(12)
  [0x8a, write(decodeRw16)], // WRITE(16)
  [0x2e, write(decodeRw10)], // WRITE AND VERIFY(10)
  [0xae, write(decodeRw12)], // WRITE AND VERIFY(12)
  [0x8e, write(decodeRw16)], // WRITE AND VERIFY(16)
  [0x35, synchronizeCache], // SYNCHRONIZE CACHE(10)
  [0x91, synchronizeCache], // SYNCHRONIZE CACHE(16)
  [0x94, zbcOut], // ZBC OUT
  [0xa1, ataPassThrough], // ATA PASS-THROUGH(12)
  [0x85, ataPassThrough], // ATA PASS-THROUGH(16)
  [VARIABLE_LENGTH, ataPassThrough], // ATA PASS-THROUGH(32)
]);

function footprintOf(lu: LogicalUnit, cdb: Buffer): Footprint | null {
  return FOOTPRINTS.get(cdb[0] ?? -1)?.(lu, cdb) ?? null;
}

function conflict(a: Footprint, b: Footprint): boolean {
  if (a.zoneResources && b.zoneResources) return true;
  if (!a.changes && !b.changes) return false;
  return a.lba < b.end && b.lba < a.end;
}

/**
 * True when `later` (no Data-Out) may start before `earlier` (older, not started, in order)
 * without changing the outcome of any of them or the data on the medium.
 */
export function mayStartAhead(
  units: ReadonlyMap<number, LogicalUnit>,
  nexusKey: string,
  later: QueuedCommand,
  earlier: readonly QueuedCommand[],
): boolean {
  const lu = units.get(later.lun);
  // A pending unit attention goes to whichever command runs first (SAM-5 unit attention).
  if (lu === undefined || lu.unitAttentions.peek(nexusKey) !== undefined) return false;
  const mine = footprintOf(lu, later.cdb);
  if (mine === null || !mine.passes) return false;
  for (const e of earlier) {
    const other = units.get(e.lun);
    if (other === undefined) continue; // refused whatever runs first: LOGICAL UNIT NOT SUPPORTED
    const theirs = footprintOf(other, e.cdb);
    if (theirs === null) return false;
    if (other === lu && conflict(mine, theirs)) return false;
  }
  return true;
}
