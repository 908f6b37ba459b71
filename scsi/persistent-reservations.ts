// Persistent reservations state of one LU (SPC-4 5.13): registrations per I_T nexus, at most one
// reservation, the PRgeneration counter and the access rules of SPC-4 table 61. Not persisted
// across restarts (REPORT CAPABILITIES says PTPL_C 0).
import type { NexusId } from './target-contract.js';

/** PERSISTENT RESERVATION TYPE codes, SPC-4 table 185. */
export const PrType = {
  WRITE_EXCLUSIVE: 0x1,
  EXCLUSIVE_ACCESS: 0x3,
  WRITE_EXCLUSIVE_REGISTRANTS_ONLY: 0x5,
  EXCLUSIVE_ACCESS_REGISTRANTS_ONLY: 0x6,
  WRITE_EXCLUSIVE_ALL_REGISTRANTS: 0x7,
  EXCLUSIVE_ACCESS_ALL_REGISTRANTS: 0x8,
} as const;
export type PrType = (typeof PrType)[keyof typeof PrType];

export const PR_TYPES: ReadonlySet<number> = new Set(Object.values(PrType));

/**
 * How a command meets a reservation held by another nexus (SPC-4 5.13.1 table 61); SPC-2
 * RESERVE/RELEASE(6) conflict whenever persistent reservations are in use (SPC-4 5.13.3).
 */
export type PrAccess = 'allowed' | 'read' | 'write' | 'reserve-release';

export interface Registration {
  readonly nexus: NexusId;
  key: bigint;
}

export interface Reservation {
  /** Nexus key of the holder; for all-registrants types every registrant holds it. */
  readonly holder: string;
  readonly type: PrType;
}

export function isAllRegistrants(type: number): boolean {
  return (
    type === PrType.WRITE_EXCLUSIVE_ALL_REGISTRANTS ||
    type === PrType.EXCLUSIVE_ACCESS_ALL_REGISTRANTS
  );
}

function isRegistrantsType(type: number): boolean {
  return type >= PrType.WRITE_EXCLUSIVE_REGISTRANTS_ONLY;
}

function isExclusiveAccess(type: number): boolean {
  return (
    type === PrType.EXCLUSIVE_ACCESS ||
    type === PrType.EXCLUSIVE_ACCESS_REGISTRANTS_ONLY ||
    type === PrType.EXCLUSIVE_ACCESS_ALL_REGISTRANTS
  );
}

export class PersistentReservations {
  generation = 0;
  readonly registrations = new Map<string, Registration>();
  reservation: Reservation | null = null;

  /** True when any registration or reservation exists (SPC-2 RESERVE/RELEASE then conflict). */
  get active(): boolean {
    return this.registrations.size > 0 || this.reservation !== null;
  }

  keyOf(nexusKey: string): bigint | undefined {
    return this.registrations.get(nexusKey)?.key;
  }

  isHolder(nexusKey: string): boolean {
    const r = this.reservation;
    if (r === null) return false;
    return isAllRegistrants(r.type) ? this.registrations.has(nexusKey) : r.holder === nexusKey;
  }

  /** The RESERVATION KEY READ RESERVATION reports: 0 for all-registrants types. */
  holderKey(): bigint {
    const r = this.reservation;
    if (r === null || isAllRegistrants(r.type)) return 0n;
    return this.keyOf(r.holder) ?? 0n;
  }

  /** SPC-4 table 61: does a command of `access` from this nexus conflict with the reservation? */
  conflicts(nexusKey: string, access: PrAccess): boolean {
    if (access === 'reserve-release') return this.active;
    const r = this.reservation;
    if (r === null || access === 'allowed' || this.isHolder(nexusKey)) return false;
    if (isRegistrantsType(r.type) && this.registrations.has(nexusKey)) return false;
    return access === 'write' || isExclusiveAccess(r.type);
  }

  /**
   * Removes a registration. The reservation goes with it when its holder leaves (non
   * all-registrants types) or when the last registrant leaves. Returns whether a registrants-only
   * reservation was released, so the caller can tell the other registrants (SPC-4 5.13.11.2.3).
   */
  unregister(nexusKey: string): boolean {
    this.registrations.delete(nexusKey);
    const r = this.reservation;
    if (r === null) return false;
    if (isAllRegistrants(r.type)) {
      if (this.registrations.size === 0) this.reservation = null;
      return false;
    }
    if (r.holder !== nexusKey) return false;
    this.reservation = null;
    return isRegistrantsType(r.type);
  }

  clear(): void {
    this.registrations.clear();
    this.reservation = null;
    this.generation = (this.generation + 1) >>> 0;
  }

  bumpGeneration(): void {
    this.generation = (this.generation + 1) >>> 0;
  }
}
