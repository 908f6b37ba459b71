// Zone captures: the records a ZoneJournal persists, normalised as they will load (open zones
// as CLOSED or EMPTY) and never ahead of completed writes (docs/zones.md).
import type { ZoneTable } from './zone-table.js';
import { ZoneCondition as C, type ZoneCapture } from './types.js';

/** Conditions persisted as they are: the WP of such a zone never moves. */
const KEPT: ReadonlySet<number> = new Set([
  C.READ_ONLY,
  C.OFFLINE,
  C.INACTIVE,
  C.NOT_WRITE_POINTER,
]);

/**
 * Records of the given zones (ascending). A FULL record's WP field carries the zone's durable
 * DATA END rather than the zone end (a FULL zone's WP is its end by definition, so nothing is
 * lost): after a restart, blocks that FINISH covered without writing them still read as zeros
 * (ZBC-2), with the journal format unchanged. Journals written before this kept the zone end
 * there, which restores as "all written", the old behaviour.
 */
export function captureZones(s: ZoneTable, zones: Uint32Array): ZoneCapture {
  const n = zones.length;
  const condition = new Uint8Array(n);
  const writePointer = new Float64Array(n);
  const attributes = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const i = zones[k] as number;
    const cond = s.condition[i] as number;
    const wp = s.durableWritePointer(i);
    let captured = cond;
    let recorded = wp;
    if (!KEPT.has(cond)) {
      if (cond === C.FULL && wp === s.end(i)) {
        captured = C.FULL;
        recorded = s.durableDataEnd(i);
      } else {
        captured = wp === s.start(i) ? C.EMPTY : C.CLOSED;
      }
    }
    condition[k] = captured;
    writePointer[k] = recorded;
    attributes[k] = s.attributes[i] as number;
  }
  return { zones, condition, writePointer, attributes };
}
