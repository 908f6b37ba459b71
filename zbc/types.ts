// Shared zone-model vocabulary. Pure data: no I/O, no SCSI sense, no Node modules.
// CONTRACT between scsi/ (caller) and zbc/ (implementation); extend, do not rename.
import type { Result } from './result.js';

export type ZonedModel = 'host-managed' | 'host-aware' | 'none';

/** Zone types, ZBC-2 (REPORT ZONES descriptor byte 0 bits 3:0). */
export const ZoneType = {
  CONVENTIONAL: 0x1,
  SEQUENTIAL_WRITE_REQUIRED: 0x2,
  SEQUENTIAL_WRITE_PREFERRED: 0x3,
  /** ZBC-2: sequential or before required (a domains device's CMR-like type). */
  SEQUENTIAL_OR_BEFORE_REQUIRED: 0x4,
  GAP: 0x5,
} as const;
export type ZoneType = (typeof ZoneType)[keyof typeof ZoneType];

/** Zone conditions, ZBC-2 (descriptor byte 1 bits 7:4). */
export const ZoneCondition = {
  NOT_WRITE_POINTER: 0x0,
  EMPTY: 0x1,
  IMPLICITLY_OPENED: 0x2,
  EXPLICITLY_OPENED: 0x3,
  CLOSED: 0x4,
  INACTIVE: 0x5,
  READ_ONLY: 0xd,
  FULL: 0xe,
  OFFLINE: 0xf,
} as const;
export type ZoneCondition = (typeof ZoneCondition)[keyof typeof ZoneCondition];

/** Zone attribute bits (descriptor byte 1 bits 1:0). */
export const ZoneAttribute = { RESET: 0x1, NON_SEQ: 0x2 } as const;

/** Everything needed to lay out a zoned (or non-zoned) logical unit. Blocks are logical blocks. */
export interface ZoneLayoutConfig {
  readonly model: ZonedModel;
  readonly blockSize: number;
  readonly physicalBlockSize: number;
  readonly capacityBlocks: number;
  /** Zone pitch in logical blocks, a power of two. Ignored for model 'none'. */
  readonly zoneSizeBlocks: number;
  /** Writable blocks per sequential zone; < zoneSizeBlocks adds GAP zones. */
  readonly zoneCapacityBlocks: number;
  readonly conventionalZones: number;
  /** Maximum open SWR zones; null = no limit. */
  readonly maxOpen: number | null;
  /** Unrestricted reads in sequential write required zones (B6h URSWRZ). */
  readonly urswrz: boolean;
  /** Zone indexes (in REPORT ZONES order, gap zones included) that start READ ONLY / OFFLINE. */
  readonly readOnlyZones: readonly number[];
  readonly offlineZones: readonly number[];
  /**
   * ZBC-2 zone domains and zone realms (VPD B6h extension 2h). When present, the zones are the
   * domains' zones (zbc/domains/domain-map.ts); conventionalZones is 0, zone capacity = size.
   */
  readonly domains?: DomainsLayout;
}

/** One zone domain of a domains-and-realms layout, in zone domain ID order. */
export interface DomainSpec {
  /** Conventional, SWR, SWP or SOBR (ZBC-2 REPORT ZONE DOMAINS ZONE DOMAIN ZONE TYPE). */
  readonly type: ZoneType;
  /** Zones each realm has in this domain. */
  readonly zonesPerRealm: number;
}

export interface DomainsLayout {
  readonly realms: number;
  readonly domains: readonly DomainSpec[];
  /** GAP zones between two consecutive domains. */
  readonly gapZones: number;
  /** Zone domain ID each realm starts active in (the power-on state of a formatted medium). */
  readonly initialDomain: readonly number[];
  /** Realms with REALM RESTRICTIONS bit 0 (no activation or deactivation). */
  readonly restrictedRealms: readonly number[];
}

/**
 * A refused request, as a neutral value. scsi/commands/zbc/zone-fault-sense.ts maps every kind
 * to its sense code (Record<ZoneFault['kind'], ...> so the compiler catches a missing kind).
 */
export type ZoneFault =
  | { readonly kind: 'unaligned-write'; readonly lba: number } //           5/21/04
  | { readonly kind: 'write-boundary'; readonly lba: number } //            5/21/05
  | { readonly kind: 'write-to-full-zone'; readonly lba: number } //        5/24/00, pointer on LBA
  | { readonly kind: 'insufficient-zone-resources' } //                     7/55/0E
  | { readonly kind: 'zone-read-only'; readonly lba: number } //            7/27/08
  | { readonly kind: 'zone-offline'; readonly lba: number } //              7/2C/0E
  | { readonly kind: 'zone-inactive'; readonly lba: number } //             7/2C/12
  | { readonly kind: 'read-boundary'; readonly lba: number } //             5/21/07
  | { readonly kind: 'read-invalid-data'; readonly lba: number } //         5/21/06
  | { readonly kind: 'gap-zone-access'; readonly lba: number } //           5/21/09
  | { readonly kind: 'zone-id-out-of-range' } //                            5/21/00
  | { readonly kind: 'invalid-zone-id' } //                                 5/24/00, pointer byte 2
  | { readonly kind: 'invalid-zone-count' } //                              5/24/00, pointer byte 12
  | { readonly kind: 'invalid-reporting-option' }; //                       5/24/00, pointer byte 14 bit 5

/** A zone-model answer: ok with its value, or the fault that refused the request. */
export type ZoneResult<T> = Result<T, ZoneFault>;

/** A run of a read: stored data, or blocks that read as zeros (at/above a WP, gap zones). */
export interface ReadSegment {
  readonly lba: number;
  readonly blocks: number;
  readonly zeroFill: boolean;
}

/** An accepted write, computed without mutation; commitWrite applies it. */
export interface WritePlan {
  readonly lba: number;
  readonly blocks: number;
  /** Opaque to callers. */
  readonly zoneIndex: number;
  /**
   * The sequential write required zone whose writes must settle (writeCompleted / writeFailed) in
   * the order they were committed, or null. Each such write starts at the WP the one before it
   * left, so its outcome waits for that one's (ZBC: writes to a zone are processed in order).
   */
  readonly inOrderZone: number | null;
}

/** ZBC OUT service actions, ZBC-2 table 47 (94h). */
export type ZoneActionKind = 'close' | 'finish' | 'open' | 'reset' | 'sequentialize';

export interface ZoneActionRequest {
  readonly action: ZoneActionKind;
  /** ZONE ID (CDB bytes 2–9); a bigint only when above 2^53 (always out of range). */
  readonly zoneId: number | bigint;
  /** ZONE COUNT (CDB bytes 12–13); 0 and 1 mean one zone. */
  readonly count: number;
  /** ALL bit (CDB byte 14 bit 0): ZONE ID and ZONE COUNT are then ignored. */
  readonly all: boolean;
}

export interface ZoneActionResult {
  /** Zones whose condition, write pointer or attributes changed. */
  readonly changed: number;
  /**
   * Ranges whose data a RESET discarded on a host-aware LU, where blocks below a restored WP
   * could otherwise read old contents after a non-sequential write. Empty on host-managed LUs
   * (reads at/above the WP are zero-filled there).
   */
  readonly discard: readonly { readonly lba: number; readonly blocks: number }[];
  /**
   * RESET WRITE POINTER only: the zones it acted on that changed or had unpersisted changes, in
   * their new state (EMPTY, WP at the zone start, attributes cleared). A lowered WP never points
   * past durable data (docs/zones.md), so this capture is persisted WITHOUT a data flush
   * (LogicalUnit.persistZoneCapture), and must be queued before any later capture is taken (journal
   * writes keep capture order). No other zone is marked clean. Empty when nothing needs persisting.
   */
  readonly resetCapture?: ZoneCapture;
  /** Opaque to callers: what zoneActionFailed needs to put the zones back (RESET, FINISH). */
  readonly undo: ZoneUndo;
}

/** A zone an action changed, before and after it (zone-actions.ts), for zoneActionFailed. */
export interface ZoneChange {
  readonly zone: number;
  readonly before: ZoneSnapshot;
  readonly after: ZoneSnapshot;
}
export type ZoneUndo = readonly ZoneChange[];

export interface ZoneSnapshot {
  readonly condition: number;
  readonly writePointer: number;
  readonly dataEnd: number;
  readonly attributes: number;
}

export interface ReportZonesRequest {
  /** ZONE START LBA (CDB bytes 2–9). */
  readonly startLba: number | bigint;
  /** REPORTING OPTIONS (CDB byte 14 bits 5:0). */
  readonly option: number;
  readonly partial: boolean;
  readonly allocationLength: number;
}

export interface ZoneReport {
  /** Bytes to allocate: min(full reply, allocation length rounded up to 64). */
  readonly size: number;
  /** 64 + 64 × listed descriptors, whatever the allocation length. */
  readonly fullSize: number;
  /** Writes the header and as many descriptors as fit into out (out.length >= size, zeroed). */
  encode(out: Uint8Array): void;
  /**
   * Zone state changes counted when the report was made: a report of the same request with the
   * same count has the same bytes. Absent when the model does not count them.
   */
  readonly stateVersion?: number;
}

export interface ZoneInfo {
  readonly index: number;
  readonly type: ZoneType;
  readonly condition: ZoneCondition;
  readonly start: number;
  readonly length: number;
  /** Internal write pointer (zone start for zones without one). */
  readonly writePointer: number;
  readonly attributes: number;
}

/**
 * Dirty zones' state to persist: parallel arrays, WPs never ahead of completed writes. A FULL
 * record's writePointer is the zone's data end, not its WP (see PersistedZoneState).
 */
export interface ZoneCapture {
  readonly zones: Uint32Array;
  readonly condition: Uint8Array;
  readonly writePointer: Float64Array;
  readonly attributes: Uint8Array;
  /** Domains layouts, after ZONE ACTIVATE: the active zone domain ID of every realm. */
  readonly realmDomains?: Uint8Array;
}
