// Builds a target with one LU on a memory store and runs CDBs through the real dispatch path.
import { expect } from 'vitest';
import { SENSE, type SenseCode } from '../../../sense-tables/index.js';
import type { FieldPointer } from '../../../scsi/command-result.js';
import { createScsiTarget, type ManagedScsiTarget } from '../../../scsi/target-device.js';
import type { LogicalUnit } from '../../../scsi/logical-unit.js';
import { type NexusId, type ScsiOutcome, ScsiStatus } from '../../../scsi/target-contract.js';
import type {
  ReadSegment,
  WritePlan,
  ZoneCapture,
  ZoneFault,
  ZoneLayoutConfig,
  ZoneResult,
} from '../../../zbc/types.js';
import type { ZoneModelContract } from '../../../zbc/zone-model-contract.js';
import { ok, refused } from '../../../zbc/result.js';
import type { ZoneJournal } from '../../../zbc/zone-journal.js';
import { cdb } from '../../helpers/cdb.js';
import { memoryStore, type TestStore } from '../../helpers/memory-store.js';
import { parseSense, type ParsedSense } from '../../helpers/sense.js';

export const NEXUS: NexusId = {
  initiatorName: 'iqn.test:init',
  isid: '000000000001',
  targetName: 'iqn.test:tgt',
  key: 'n1',
};
export const OTHER_NEXUS: NexusId = { ...NEXUS, isid: '000000000002', key: 'n2' };

export interface HarnessOptions {
  blockSize?: number;
  physicalBlockSize?: number;
  capacityBlocks?: number;
  zones?: ZoneModelContract;
  journal?: ZoneJournal;
  readOnly?: boolean;
  discard?: boolean;
  maxTransferBlocks?: number;
  activateLayout?: 'libzbc' | 'zbc2r12';
  /** Leave the login unit attention pending (default: cleared). */
  keepUnitAttention?: boolean;
  interface?: 'sas' | 'sata';
}

export interface RunOptions {
  dataOut?: Buffer[];
  nexus?: NexusId;
  lun?: number;
  expectedDataLength?: number;
}

export interface Harness {
  target: ManagedScsiTarget;
  lu: LogicalUnit;
  store: TestStore;
  run(cdb: readonly number[] | Buffer, opts?: RunOptions): Promise<ScsiOutcome>;
}

export { cdb, cdb10, cdb12, cdb16 } from '../../helpers/cdb.js';

/** An UNMAP parameter list (SBC-4 5.32.2): header, then one descriptor per [lba, blocks]. */
export function unmapParameterList(ranges: readonly (readonly [number, number])[]): Buffer {
  const b = Buffer.alloc(8 + 16 * ranges.length);
  b.writeUInt16BE(b.length - 2, 0);
  b.writeUInt16BE(16 * ranges.length, 2);
  ranges.forEach(([lba, n], i) => {
    b.writeUInt32BE(lba, 8 + 16 * i + 4);
    b.writeUInt32BE(n, 8 + 16 * i + 8);
  });
  return b;
}

export function harness(o: HarnessOptions = {}): Harness {
  const blockSize = o.blockSize ?? 512;
  const capacityBlocks = o.capacityBlocks ?? 2048;
  const store = memoryStore(blockSize * capacityBlocks, { discard: o.discard ?? false });
  const target = createScsiTarget({
    name: 'iqn.2026-11.dev.zbc-target:test',
    luns: [
      {
        lun: 0,
        store,
        blockSize,
        physicalBlockSize: o.physicalBlockSize ?? 4096,
        capacityBlocks,
        serial: 'SN0001',
        ...(o.zones ? { zones: o.zones } : {}),
        ...(o.journal ? { journal: o.journal } : {}),
        ...(o.readOnly ? { readOnly: true } : {}),
        ...(o.maxTransferBlocks ? { maxTransferBlocks: o.maxTransferBlocks } : {}),
        ...(o.activateLayout ? { activateLayout: o.activateLayout } : {}),
        ...(o.interface ? { interface: o.interface } : {}),
      },
    ],
  });
  target.nexusCreated(NEXUS);
  const lu = target.logicalUnit(0) as LogicalUnit;
  if (!o.keepUnitAttention) lu.unitAttentions.take(NEXUS.key);
  return {
    target,
    lu,
    store,
    run: (bytes, opts = {}) =>
      target.execute({
        nexus: opts.nexus ?? NEXUS,
        lun: opts.lun ?? 0,
        tag: 1,
        expectedDataLength: opts.expectedDataLength ?? 0,
        cdb: Buffer.isBuffer(bytes) ? bytes : cdb(bytes),
        dataOut: opts.dataOut ?? [],
      }),
  };
}

/**
 * A flush that waits for the test: `started` resolves when the store's flush is called (the
 * event to wait for, instead of a fixed sleep), `release()` lets it complete.
 */
export function heldFlush(store: TestStore): {
  started: Promise<void>;
  release: () => void;
  calls: () => number;
} {
  let release: () => void = () => undefined;
  let signal: () => void = () => undefined;
  let calls = 0;
  const started = new Promise<void>((r) => (signal = r));
  store.flush = () => {
    calls++;
    signal();
    return new Promise<void>((r) => {
      release = r;
    });
  };
  return { started, release: () => release(), calls: () => calls };
}

/** One turn of the event loop: every promise chain already under way has settled by then. */
export function settled(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

export function expectGood(o: ScsiOutcome): Buffer {
  if (o.status !== ScsiStatus.GOOD) {
    throw new Error(
      `expected GOOD, got status ${o.status} sense ${o.sense ? JSON.stringify(parseSense(o.sense)) : '-'}`,
    );
  }
  return o.dataIn ?? Buffer.alloc(0);
}

/** Asserts CHECK CONDITION with exactly `code` and (when given, or `null` for none) the field pointer. */
export function expectCheck(
  o: ScsiOutcome,
  code: SenseCode,
  field?: FieldPointer | null,
): ParsedSense {
  expect(o.status).toBe(ScsiStatus.CHECK_CONDITION);
  expect(o.sense).toBeDefined();
  const s = parseSense(o.sense as Buffer);
  expect({ key: s.key, asc: s.asc, ascq: s.ascq }).toEqual({
    key: code.key,
    asc: code.asc,
    ascq: code.ascq,
  });
  if (field === null) expect(s.field).toBeUndefined();
  else if (field !== undefined) expect(s.field).toEqual(field);
  return s;
}

/** A scripted ZoneModelContract: faults on demand, every call recorded. */
export class FakeZones implements ZoneModelContract {
  readonly calls: string[] = [];
  readFault: ZoneFault | null = null;
  writeFault: ZoneFault | null = null;
  /** LBAs at/above which reads are zero-filled. */
  zeroFrom = Number.POSITIVE_INFINITY;
  captured = 0;
  readonly layout: ZoneLayoutConfig;
  urswrz = true;
  setUrswrz(on: boolean): void {
    this.urswrz = on;
  }

  constructor(
    readonly model: 'host-managed' | 'host-aware',
    capacityBlocks = 2048,
  ) {
    this.layout = {
      model,
      blockSize: 512,
      physicalBlockSize: 4096,
      capacityBlocks,
      zoneSizeBlocks: 256,
      zoneCapacityBlocks: 256,
      conventionalZones: 1,
      maxOpen: 4,
      urswrz: true,
      readOnlyZones: [],
      offlineZones: [],
    };
  }

  checkRead(lba: number, blocks: number): ZoneResult<readonly ReadSegment[]> {
    this.calls.push(`checkRead ${lba} ${blocks}`);
    if (this.readFault) return refused(this.readFault);
    const end = lba + blocks;
    if (end <= this.zeroFrom) return ok([{ lba, blocks, zeroFill: false }]);
    if (lba >= this.zeroFrom) return ok([{ lba, blocks, zeroFill: true }]);
    return ok([
      { lba, blocks: this.zeroFrom - lba, zeroFill: false },
      { lba: this.zeroFrom, blocks: end - this.zeroFrom, zeroFill: true },
    ]);
  }
  planWrite(lba: number, blocks: number): ZoneResult<WritePlan> {
    this.calls.push(`planWrite ${lba} ${blocks}`);
    if (this.writeFault) return refused(this.writeFault);
    return ok({ lba, blocks, zoneIndex: Math.floor(lba / 256), inOrderZone: null });
  }
  commitWrite(plan: WritePlan): void {
    this.calls.push(`commitWrite ${plan.lba} ${plan.blocks}`);
  }
  /** What writeCompleted answers (false: an earlier write to the zone failed). */
  writeStands = true;
  writeCompleted(plan: WritePlan): boolean {
    this.calls.push(`writeCompleted ${plan.lba} ${plan.blocks}`);
    return this.writeStands;
  }
  writeFailed(plan: WritePlan): void {
    this.calls.push(`writeFailed ${plan.lba} ${plan.blocks}`);
  }
  captureDurable(): ZoneCapture {
    this.calls.push('captureDurable');
    this.captured++;
    return {
      zones: new Uint32Array([0]),
      condition: new Uint8Array(1),
      writePointer: new Float64Array(1),
      attributes: new Uint8Array(1),
    };
  }
  /** Zone commands are the zbc helper's; here they only need to answer something valid. */
  zoneAction(): ZoneResult<never> {
    return refused({ kind: 'invalid-zone-id' });
  }
  zoneActionFailed(): void {
    this.calls.push('zoneActionFailed');
  }
  reportZones(): ZoneResult<never> {
    return refused({ kind: 'invalid-reporting-option' });
  }
  readonly zoneCount = 8;
  zoneAt(): never {
    throw new Error('not used');
  }
  zoneIndexOf(lba: number): number {
    return Math.floor(lba / 256);
  }
}

export class FakeJournal implements ZoneJournal {
  readonly loaded = null;
  constructor(readonly log: string[]) {}
  async persist(_capture: ZoneCapture): Promise<void> {
    this.log.push('persist');
  }
  async close(): Promise<void> {
    this.log.push('journal close');
  }
}

/**
 * What a resize of the backing store would do to the LU (SBC-4 4.10): the new capacity, the
 * provisioning state cut to it, CAPACITY DATA HAS CHANGED for every nexus. No product path
 * resizes an LU, so this lives with the tests.
 */
export function setCapacity(lu: LogicalUnit, blocks: number): void {
  if (blocks === lu.capacityBlocks) return;
  (lu as { capacityBlocks: number }).capacityBlocks = blocks;
  lu.deallocated?.truncate(blocks);
  lu.unitAttentions.establishAll(SENSE.CAPACITY_DATA_HAS_CHANGED);
}
