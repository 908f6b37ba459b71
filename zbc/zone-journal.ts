// Zone persistence port (types only). src/storage/ implements it; zbc/ never does I/O.
import type { ZoneCapture } from './types.js';

/** Persisted state for every zone, indexed by zone number (REPORT ZONES order). */
export interface PersistedZoneState {
  readonly condition: Uint8Array;
  /**
   * The zone's WP; for a FULL zone (whose WP is its end by definition) the end of the data written
   * since its last reset, so blocks a FINISH covered read as zeros after a restart (ZoneModel).
   */
  readonly writePointer: Float64Array;
  readonly attributes: Uint8Array;
  /**
   * Domains layouts: the active zone domain ID of every realm, authoritative over the zone
   * records (ZoneModel re-derives INACTIVE conditions from it); absent = the layout's initial.
   */
  readonly realmDomains?: Uint8Array;
}

export interface ZoneJournal {
  /** State found at open (open zones already turned CLOSED/EMPTY), or null for a fresh medium. */
  readonly loaded: PersistedZoneState | null;
  /** Durably records the captured zones. Called after the data they describe is flushed. */
  persist(capture: ZoneCapture): Promise<void>;
  close(): Promise<void>;
}
