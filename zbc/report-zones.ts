// REPORT ZONES (ZBC IN 95h/00h; ZBC-2 5.x): zone selection and the reply,
// encoded straight into the caller's buffer. No BigInt per zone: 8-byte fields are written as two
// 32-bit halves, and the reply is built at most once, cut to the allocation length rounded up to 64.
import { putU64 } from './fields.js';
import { ok, refused } from './result.js';
import type { ZoneTable } from './zone-table.js';
import {
  ZoneAttribute,
  ZoneCondition as C,
  ZoneType,
  type ReportZonesRequest,
  type ZoneResult,
  type ZoneReport,
} from './types.js';

type Match = (s: ZoneTable, i: number) => boolean;
const byCondition =
  (c: number): Match =>
  (s, i) =>
    s.condition[i] === c;

/** REPORTING OPTIONS, ZBC-2 table 38; any other value is reserved. */
const ALL_ZONES: Match = () => true;

export const REPORTING_OPTIONS: ReadonlyMap<number, Match> = new Map<number, Match>([
  [0x00, ALL_ZONES],
  [0x01, byCondition(C.EMPTY)],
  [0x02, byCondition(C.IMPLICITLY_OPENED)],
  [0x03, byCondition(C.EXPLICITLY_OPENED)],
  [0x04, byCondition(C.CLOSED)],
  [0x05, byCondition(C.FULL)],
  [0x06, byCondition(C.READ_ONLY)],
  [0x07, byCondition(C.OFFLINE)],
  [0x08, byCondition(C.INACTIVE)],
  [0x10, (s, i) => ((s.attributes[i] as number) & ZoneAttribute.RESET) !== 0],
  [0x11, (s, i) => ((s.attributes[i] as number) & ZoneAttribute.NON_SEQ) !== 0],
  [0x3e, (s, i) => s.type(i) !== ZoneType.GAP],
  [0x3f, byCondition(C.NOT_WRITE_POINTER)],
]);

export const HEADER_BYTES = 64;
export const DESCRIPTOR_BYTES = 64;

/**
 * Conditions whose WRITE POINTER LBA field is invalid: reported as all ones (docs/zones.md). A
 * table indexed by the 4-bit condition, not a Set: it is read once per descriptor.
 */
const NO_WRITE_POINTER = new Uint8Array(16);
for (const c of [C.NOT_WRITE_POINTER, C.READ_ONLY, C.OFFLINE, C.INACTIVE]) NO_WRITE_POINTER[c] = 1;

/** SAME field (ZBC-2 table 40) for the listed descriptors; 0 when they are none. */
function sameField(
  s: ZoneTable,
  listed: readonly [number, number],
  count: number,
  match: Match,
): number {
  if (count === 0) return 0;
  const [first, lastIndex] = listed;
  const g = s.geometry;
  if (!g.hasGaps) {
    // No gaps: every zone but the LU's last has the zone size, conventional zones lead, so the
    // answer needs no scan (a full report of a drive-sized LU would walk ~75,000 zones twice).
    const typesEqual = first >= g.conventionalZones || lastIndex < g.conventionalZones;
    const lastEqual = s.length(lastIndex) === s.length(first);
    if (typesEqual) return lastEqual ? 1 : 2;
    return lastEqual ? 3 : 0;
  }
  const type0 = s.type(first);
  const len0 = s.length(first);
  let typesEqual = true;
  let lengthsEqualButLast = true;
  for (let i = first; i <= lastIndex; i++) {
    if (!match(s, i)) continue;
    if (s.type(i) !== type0) typesEqual = false;
    if (i !== lastIndex && s.length(i) !== len0) lengthsEqualButLast = false;
  }
  const lastEqual = s.length(lastIndex) === len0;
  if (typesEqual && lengthsEqualButLast) return lastEqual ? 1 : 2;
  if (lengthsEqualButLast && lastEqual) return 3;
  return 0;
}

export function reportZones(s: ZoneTable, req: ReportZonesRequest): ZoneResult<ZoneReport> {
  const match = REPORTING_OPTIONS.get(req.option);
  if (!match) return refused({ kind: 'invalid-reporting-option' });
  const g = s.geometry;
  // ZONE START LBA above MAXIMUM LBA: LOGICAL BLOCK ADDRESS OUT OF RANGE (ZBC-2).
  if (typeof req.startLba === 'bigint' || req.startLba >= g.capacity) {
    return refused({ kind: 'zone-id-out-of-range' });
  }
  const first = g.indexOf(req.startLba);
  const alloc = Math.max(0, req.allocationLength);
  // PARTIAL = 1: the list holds what fits; PARTIAL = 0: every match to the end of the LU.
  const limit = req.partial
    ? Math.max(0, Math.floor((alloc - HEADER_BYTES) / DESCRIPTOR_BYTES))
    : Infinity;
  let listed = 0;
  let firstListed = -1;
  let lastListed = -1;
  if (match === ALL_ZONES) {
    listed = Math.min(limit, s.zoneCount - first);
    if (listed > 0) [firstListed, lastListed] = [first, first + listed - 1];
  }
  for (let i = first; match !== ALL_ZONES && i < s.zoneCount && listed < limit; i++) {
    if (!match(s, i)) continue;
    if (firstListed < 0) firstListed = i;
    lastListed = i;
    listed++;
  }
  const fullSize = HEADER_BYTES + listed * DESCRIPTOR_BYTES;
  const size = Math.min(fullSize, Math.ceil(alloc / DESCRIPTOR_BYTES) * DESCRIPTOR_BYTES);
  const same = sameField(s, [firstListed, lastListed], listed, match);
  return ok({
    size,
    fullSize,
    stateVersion: s.reportedChanges,
    encode(out: Uint8Array): void {
      if (out.length < HEADER_BYTES) return;
      const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
      view.setUint32(0, listed * DESCRIPTOR_BYTES); // ZONE LIST LENGTH
      out[4] = same;
      putU64(view, 8, g.capacity - 1); // MAXIMUM LBA
      putU64(view, 16, g.startingLbaGranularity); // ZONE STARTING LBA GRANULARITY (ZBC-2)
      let at = HEADER_BYTES;
      for (
        let i = firstListed;
        i >= 0 && i <= lastListed && at + DESCRIPTOR_BYTES <= out.length;
        i++
      ) {
        if (!match(s, i)) continue;
        encodeDescriptor(s, i, view, at);
        at += DESCRIPTOR_BYTES;
      }
    },
  });
}

/** Zone descriptor, ZBC-2 table 41. */
function encodeDescriptor(s: ZoneTable, i: number, view: DataView, at: number): void {
  const c = s.condition[i] as number;
  view.setUint8(at, s.type(i));
  view.setUint8(at + 1, (c << 4) | ((s.attributes[i] as number) & 0x3));
  const start = s.start(i);
  const length = s.length(i);
  putU64(view, at + 8, length);
  putU64(view, at + 16, start);
  if (NO_WRITE_POINTER[c] === 1) {
    view.setUint32(at + 24, 0xffff_ffff);
    view.setUint32(at + 28, 0xffff_ffff);
  } else {
    putU64(view, at + 24, c === C.FULL ? start + length : (s.wp[i] as number));
  }
}
