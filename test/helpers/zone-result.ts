// Zone-model answers in the shape the zone tests were written against: the value itself, or the
// fault that refused the request (the model answers ZoneResult: ok with a value, or a fault).
import type { ZoneFault, ZoneResult } from '../../zbc/types.js';

export function settled<T>(r: ZoneResult<T>): T | ZoneFault;
export function settled<T>(r: ZoneResult<T> | undefined): T | ZoneFault | undefined;
export function settled<T>(r: ZoneResult<T> | undefined): T | ZoneFault | undefined {
  if (r === undefined) return undefined;
  return r.ok ? r.value : r.fault;
}

/** A settled answer that is a fault (every fault has a kind; no value the model returns has). */
export function isZoneFault(v: unknown): v is ZoneFault {
  return typeof v === 'object' && v !== null && 'kind' in v;
}
