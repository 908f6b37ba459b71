// Zone activation descriptors (ZBC-2 ZONE ACTIVATE / ZONE QUERY results): one per changed zone
// range, the same fields in SCSI (big-endian) and ZAC (little-endian) byte order.
import { putU64 } from '../fields.js';
import type { ActivationRange } from './activation.js';

/** Writes the descriptors from `start`, `size` bytes apart, as many as fit in `view`. */
export function writeActivationDescriptors(
  view: DataView,
  start: number,
  size: number,
  ranges: readonly ActivationRange[],
  littleEndian: boolean,
): void {
  let at = start;
  for (const r of ranges) {
    if (at + size > view.byteLength) break;
    view.setUint8(at, r.type);
    view.setUint8(at + 1, r.condition << 4);
    view.setUint8(at + 2, r.domainId);
    putU64(view, at + 8, r.zones, littleEndian);
    putU64(view, at + 16, r.startLba, littleEndian);
    at += size;
  }
}
