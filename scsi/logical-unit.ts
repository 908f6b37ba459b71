// One logical unit: identity, geometry, backing store, zone model, mode page state and unit
// attentions. Commands read it through CommandContext.lu.
import createDebug from 'debug';
import { SENSE } from '../sense-tables/index.js';
import type { ZoneCapture } from '../zbc/types.js';
import type { ZoneModelContract } from '../zbc/zone-model-contract.js';
import type { ZoneJournal } from '../zbc/zone-journal.js';
import { LbaExtentSet } from './lba-extent-set.js';
import { DEFAULT_MODE_STATE, type ModeState } from './mode-state.js';
import { PersistentReservations } from './persistent-reservations.js';
import type { BlockStore } from './ports/block-store.js';
import { RangeGate } from './range-gate.js';
import { SataState } from './sata-state.js';
import { UnitAttentions } from './unit-attention.js';

const log = createDebug('zbc:scsi:lu');

export interface LogicalUnitConfig {
  readonly lun: number;
  readonly store: BlockStore;
  readonly blockSize: number;
  readonly physicalBlockSize: number;
  readonly capacityBlocks: number;
  readonly zones?: ZoneModelContract;
  readonly journal?: ZoneJournal;
  readonly vendor?: string;
  readonly product?: string;
  readonly revision?: string;
  readonly serial: string;
  readonly readOnly?: boolean;
  /** VPD B1h MEDIUM ROTATION RATE: 1 = non-rotating, else rpm. */
  readonly rotationRate?: number;
  /** VPD B0h MAXIMUM TRANSFER LENGTH in blocks (default 16 MiB worth; SATA: 65,536). */
  readonly maxTransferBlocks?: number;
  /** Zone domains LUs: ZONE ACTIVATE/QUERY(16) layout, libzbc's draft (default) or zbc2r12. */
  readonly activateLayout?: ActivateLayout;
  /** 'sata': the face of a SATA drive behind a SATL (SAT-4); default 'sas'. */
  readonly interface?: 'sas' | 'sata';
}

export type ActivateLayout = 'libzbc' | 'zbc2r12';

/** What an LU knows of its target (REPORT LUNS, SCSI name string designators). */
export interface TargetInfo {
  readonly name: string;
  /** RELATIVE TARGET PORT IDENTIFIER / target port group, 1 for our single port. */
  readonly relativePort: number;
  lunNumbers(): readonly number[];
}

const DEFAULT_MAX_TRANSFER_BYTES = 16 * 1024 * 1024;
/** Sectors one ATA READ/WRITE DMA EXT may move (COUNT 0 = 65,536, ACS-4). */
const ATA_MAX_SECTORS = 65_536;
/** SAT-4 10.4.2: a SATL reports vendor "ATA". */
const SAT_VENDOR = 'ATA';

export class LogicalUnit {
  readonly lun: number;
  readonly store: BlockStore;
  readonly blockSize: number;
  readonly physicalBlockSize: number;
  readonly zones: ZoneModelContract | undefined;
  readonly journal: ZoneJournal | undefined;
  readonly vendor: string;
  readonly product: string;
  readonly revision: string;
  readonly serial: string;
  readonly readOnly: boolean;
  readonly rotationRate: number;
  readonly maxTransferBlocks: number;
  readonly capacityBlocks: number;
  readonly activateLayout: ActivateLayout;
  readonly target: TargetInfo;
  /** The ATA side of a SATA LU; undefined on a SAS LU. */
  readonly sata: SataState | undefined;
  readonly unitAttentions = new UnitAttentions();
  /** Range lock that makes COMPARE AND WRITE atomic against other medium access (SBC-4 5.3). */
  readonly gate = new RangeGate();
  /** Current mode page values; reset to defaults by LU reset (no saved pages). */
  mode: ModeState = { ...DEFAULT_MODE_STATE };
  #flushRunning: Promise<void> | null = null;
  #flushQueued: Promise<void> | null = null;
  /** Settles when the last queued journal persist has been called (not when it is durable). */
  #journalCalls: Promise<void> = Promise.resolve();
  /** SPC-4 persistent reservations; unaffected by resets and nexus loss (SPC-4 5.13.1). */
  readonly persistent = new PersistentReservations();
  /** Nexus key holding the SPC-2 reservation (RESERVE(6)), or null. */
  reservedBy: string | null = null;
  /**
   * False after START STOP UNIT with START 0 (SBC-4 4.20 stopped power condition): medium access
   * commands then answer NOT READY until START 1 or a power on / hard reset.
   */
  started = true;
  /**
   * Thin provisioning state of a non-zoned LU (SBC-4 4.7.3): the deallocated LBAs. Every LBA
   * starts mapped (a backing file may hold data); UNMAP and WRITE SAME with UNMAP deallocate,
   * writes map again. Zoned LUs have no logical block provisioning (LBPME 0): undefined.
   */
  readonly deallocated: LbaExtentSet | undefined;

  constructor(config: LogicalUnitConfig, target: TargetInfo) {
    this.lun = config.lun;
    this.store = config.store;
    this.blockSize = config.blockSize;
    this.physicalBlockSize = config.physicalBlockSize;
    this.capacityBlocks = config.capacityBlocks;
    this.zones = config.zones;
    this.journal = config.journal;
    this.serial = config.serial;
    this.readOnly = config.readOnly ?? false;
    this.rotationRate = config.rotationRate ?? 1;
    const revision = config.revision ?? '0001';
    this.sata =
      config.interface === 'sata'
        ? new SataState({
            ...(config.product !== undefined ? { model: config.product } : {}),
            serial: config.serial,
            revision,
            rotationRate: this.rotationRate,
            zoning:
              config.zones?.domains !== undefined
                ? 'zone-domains'
                : (config.zones?.model ?? 'none'),
          })
        : undefined;
    if (this.sata !== undefined) {
      // INQUIRY as a SATL builds it (SAT-4 10.4.2): model and firmware from IDENTIFY.
      const { model, firmware } = this.sata.identity;
      this.vendor = SAT_VENDOR;
      this.product = model.slice(0, 16);
      this.revision =
        firmware.slice(4, 8).trim() === '' ? firmware.slice(0, 4) : firmware.slice(4, 8);
    } else {
      this.vendor = config.vendor ?? 'ZBCTGT';
      this.product = config.product ?? (config.zones ? 'Zoned SMR disk' : 'Virtual disk');
      this.revision = revision;
    }
    this.maxTransferBlocks =
      config.maxTransferBlocks ??
      (this.sata !== undefined
        ? ATA_MAX_SECTORS
        : Math.max(1, Math.floor(DEFAULT_MAX_TRANSFER_BYTES / config.blockSize)));
    this.activateLayout = config.activateLayout ?? 'libzbc';
    this.target = target;
    this.deallocated = config.zones === undefined ? new LbaExtentSet() : undefined;
  }

  /**
   * LBPRZ (SBC-4 table 216): a deallocated LBA reads as zeros, durably. Reads of deallocated
   * LBAs are zero-filled in any case; only a store that really releases the range (discard)
   * keeps them zero after a restart, when the in-memory provisioning state is gone.
   */
  get deallocatedReadsZero(): boolean {
    return this.deallocated !== undefined && this.store.discard !== undefined;
  }

  /**
   * Block Limits VPD MAXIMUM COMPARE AND WRITE LENGTH (SBC-4 6.6.4): a one-byte field, and the
   * 2N blocks of a COMPARE AND WRITE Data-Out must fit one transfer.
   */
  get maxCompareAndWriteBlocks(): number {
    return Math.max(1, Math.min(0xff, Math.floor(this.maxTransferBlocks / 2)));
  }

  /** Configured read-only, or software write protected by the Control page SWP bit. */
  get writeProtected(): boolean {
    return this.readOnly || this.mode.swp;
  }

  get descriptorSense(): boolean {
    return this.mode.dSense;
  }

  /** Logical blocks per physical block exponent (READ CAPACITY(16) byte 13, SBC-4 table 128). */
  get physicalExponent(): number {
    return Math.max(0, Math.round(Math.log2(this.physicalBlockSize / this.blockSize)));
  }

  /**
   * LOGICAL UNIT RESET effects (SAM-5 6.6): mode pages back to default, reservation released,
   * unit started again, UA for every nexus.
   */
  reset(): void {
    this.mode = { ...DEFAULT_MODE_STATE };
    // URSWRZ is a Zone Domains mode page field too (ZBC-2): like FSNOZ and MAXIMUM ACTIVATION,
    // its current value is the default again after a logical unit reset when no saved values
    // exist (SPC-5 6.15, MODE SENSE initial responses): the configured value. Only a domains
    // drive's SET FEATURES 47h (ZAC-2) ever changes it.
    this.zones?.setUrswrz(this.zones.layout.urswrz);
    this.reservedBy = null; // SPC-2 5.5.1: a reset releases the reservation
    this.started = true; // SBC-4 4.20: a hard reset returns a stopped LU to the active condition
    this.unitAttentions.establishAll(SENSE.BUS_DEVICE_RESET_FUNCTION_OCCURRED);
  }

  /**
   * Makes written data and zone state durable: capture zone state (WPs of completed writes only),
   * flush the store, then persist the capture, so a persisted WP is never ahead of its data.
   * Concurrent callers share flushes: one running, at most one queued behind it (which covers
   * every write that completed before any of its callers asked).
   */
  flushMedium(): Promise<void> {
    if (this.#flushRunning === null) return this.#startFlush();
    if (this.#flushQueued === null) {
      this.#flushQueued = this.#flushRunning
        .catch(() => undefined)
        .then(() => {
          this.#flushQueued = null;
          return this.#startFlush();
        });
    }
    return this.#flushQueued;
  }

  /**
   * Persists a capture of zones whose write pointers only went down (RESET WRITE POINTER): no
   * data flush is needed for them (docs/zones.md). Journal writes keep capture order, so a
   * flush captured earlier cannot overwrite this newer state afterwards. `erase` (host-aware
   * RESET) runs first in that order and its writes are flushed before the record is persisted,
   * so a persisted reset never leaves the old data readable after a restart.
   */
  persistZoneCapture(capture: ZoneCapture, erase?: () => Promise<void>): Promise<void> {
    if (erase === undefined) return this.#persistInOrder(null, capture);
    return this.#persistInOrder(async () => {
      await erase();
      await this.store.flush();
    }, capture);
  }

  #startFlush(): Promise<void> {
    const run = this.#flushOnce().finally(() => {
      if (this.#flushRunning === run) this.#flushRunning = null;
    });
    this.#flushRunning = run;
    return run;
  }

  async #flushOnce(): Promise<void> {
    const journal = this.journal;
    const capture = journal !== undefined ? this.zones?.captureDurable() : undefined;
    const flushed = this.store.flush();
    flushed.catch(() => undefined); // observed below; avoids an unhandled rejection meanwhile
    // The persist takes its place in journal order now, at capture time.
    await this.#persistInOrder(() => flushed, capture);
    if (log.enabled)
      log('lun %d flushed%s', this.lun, capture ? ` (${capture.zones.length} zones)` : '');
  }

  /**
   * Runs `before` (a data flush or erase) and then calls journal.persist(capture), with the
   * persist CALLS in the order this method was called (capture order), so an older capture never
   * overwrites a newer record. Only the calls are ordered, not their completion: the journal
   * folds the persists that arrive before its next round starts into that round (group commit)
   * and runs that round beside one still in flight, so a reset waits for one device flush.
   */
  #persistInOrder(
    before: (() => Promise<void>) | null,
    capture: ZoneCapture | undefined,
  ): Promise<void> {
    const journal = this.journal;
    const previous = this.#journalCalls;
    let called!: () => void;
    this.#journalCalls = new Promise<void>((resolve) => (called = resolve));
    return (async () => {
      let persisted: Promise<void> | undefined;
      try {
        await previous;
        if (before !== null) await before();
        if (capture !== undefined && journal !== undefined) persisted = journal.persist(capture);
      } finally {
        called(); // also on failure: later captures must not wait forever
      }
      await persisted;
    })();
  }
}
