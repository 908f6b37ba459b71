// The zone model as scsi/ calls it (ZoneModelContract); ZoneModel implements it. Apart
// from types.ts so that the vocabulary imports nothing of zone domains, which build on it.
import type { ZoneDomainsAccess } from './domains/zone-domains.js';
import type {
  ReadSegment,
  ReportZonesRequest,
  WritePlan,
  ZoneActionRequest,
  ZoneActionResult,
  ZoneCapture,
  ZoneInfo,
  ZoneLayoutConfig,
  ZoneReport,
  ZoneResult,
  ZonedModel,
} from './types.js';

/**
 * The zone model as scsi/ sees it: what the SCSI commands need from a zoned LU. ZoneModel
 * (zone-model.ts) implements it over a ZoneTable (zone-table.ts, the per-zone state arrays).
 * Order per WRITE: planWrite -> commitWrite (before awaiting I/O, so the next command in CmdSN
 * order sees the new WP) -> store.writev -> writeCompleted or writeFailed (in commit order for
 * the plans of one inOrderZone).
 */
export interface ZoneModelContract {
  readonly model: ZonedModel;
  readonly layout: ZoneLayoutConfig;
  /**
   * URSWRZ now: layout.urswrz at power on, changed by a domains drive's SET FEATURES 47h
   * (ZAC-2); not persisted, like the other feature settings.
   */
  readonly urswrz: boolean;
  setUrswrz(on: boolean): void;
  /** Range already checked against capacity by the caller. */
  checkRead(lba: number, blocks: number): ZoneResult<readonly ReadSegment[]>;
  planWrite(lba: number, blocks: number): ZoneResult<WritePlan>;
  commitWrite(plan: WritePlan): void;
  /**
   * The plan's data is stored: its blocks read back as data. False when the write no longer
   * stands because an earlier write to its zone failed (the caller answers 5/21/04: it did not
   * start at the WP); its blocks then read as zeros.
   */
  writeCompleted(plan: WritePlan): boolean;
  /** Captures the state that is safe to persist once data written so far is flushed. */
  captureDurable(): ZoneCapture;
  /**
   * The data-out or store write of a committed plan failed: its zones go back to their WP and
   * condition before it (the WP of a zone does not advance for a failed write), its blocks keep
   * reading as before, and later writes to the same sequential zone no longer stand.
   */
  writeFailed(plan: WritePlan): void;
  /** ZBC OUT zone actions (CLOSE, FINISH, OPEN, RESET WRITE POINTER, SEQUENTIALIZE). */
  zoneAction(request: ZoneActionRequest): ZoneResult<ZoneActionResult>;
  /**
   * A zone action could not be made durable (its journal write or data flush failed): every zone
   * it changed that no later command has changed since is put back as it was.
   */
  zoneActionFailed(result: ZoneActionResult): void;
  /** REPORT ZONES: selects zones and sizes the reply; encode() fills the caller's buffer. */
  reportZones(request: ReportZonesRequest): ZoneResult<ZoneReport>;
  /** Zones in REPORT ZONES order, gap zones included. */
  readonly zoneCount: number;
  /** Zone domains and realms (layout.domains set), else undefined. */
  readonly domains?: ZoneDomainsAccess;
  /** One zone's current state. */
  zoneAt(index: number): ZoneInfo;
  /** Index of the zone holding an LBA below the capacity (REPORT ZONES order). */
  zoneIndexOf(lba: number): number;
}
