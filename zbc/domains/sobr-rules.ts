// Sequential-or-before-required zones (ZBC-2 4.4.3.5): a write may start at or below the write
// pointer and may cross into the next SOBR zone; a FULL zone still takes overwrites; the WP only
// moves up. SOBR zones take no open zone resources and refuse OPEN, CLOSE and FINISH.
import type { ZoneTable } from '../zone-table.js';
import { ok, refused } from '../result.js';
import {
  ZoneCondition as C,
  ZoneType,
  type WritePlan,
  type ZoneFault,
  type ZoneResult,
} from '../types.js';

const SOBR = ZoneType.SEQUENTIAL_OR_BEFORE_REQUIRED;

export function isSobr(s: ZoneTable, i: number): boolean {
  return s.type(i) === SOBR;
}

/** A write starting in SOBR zone `first` (available zones already checked). */
export function planSobrWrite(
  s: ZoneTable,
  lba: number,
  blocks: number,
  first: number,
  last: number,
  perPhysical: number,
): ZoneResult<WritePlan> {
  for (let i = first + 1; i <= last; i++)
    if (s.type(i) !== SOBR) return refused({ kind: 'write-boundary', lba });
  const wp = s.wp[first] as number;
  if (lba > wp) return refused({ kind: 'unaligned-write', lba });
  // Where the write ends above the WP of the zone it ends in, that WP moves to its end, which
  // must be a physical block boundary (as in SWR zones). The start may be anywhere at or below
  // the WP, and zones the write runs through end on a boundary (libzbc 01/075, 05/192).
  const end = lba + blocks;
  const movesLastWp = s.condition[last] !== C.FULL && end > (s.wp[last] as number);
  if (movesLastWp && end % perPhysical !== 0) return refused({ kind: 'unaligned-write', lba });
  // Settled in commit order like SWR writes: a failed one puts the WP back (zbc/write-rules.ts).
  return ok({ lba, blocks, zoneIndex: first, inOrderZone: first });
}

/**
 * Reads with URSWRZ = 0: as in SWR zones, data above the WP is invalid (5/21/06), but a read may
 * cross SOBR zone boundaries (ZBC-2 4.4.3.5).
 */
export function sobrReadFault(
  s: ZoneTable,
  lba: number,
  blocks: number,
  first: number,
  last: number,
): ZoneFault | null {
  const end = lba + blocks;
  for (let i = first; i <= last; i++) {
    const c = s.condition[i];
    if (c === C.FULL || c === C.READ_ONLY) continue;
    if (Math.min(end, s.end(i)) > (s.wp[i] as number)) return { kind: 'read-invalid-data', lba };
  }
  return null;
}
