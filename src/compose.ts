// Configuration -> running objects: per LUN a store, a journal and a ZoneModel; per target a
// ScsiTarget; one iSCSI server for all of them. Anything opened before a failure is closed again,
// so a refused start leaves no file handle behind.
import createDebug from 'debug';
import { createScsiTarget, type ManagedScsiTarget } from '../scsi/scsi-target.js';
import type { LogicalUnitConfig } from '../scsi/logical-unit.js';
import type { BlockStore } from '../scsi/ports/block-store.js';
import { type IscsiServer, startIscsiServer } from '../transport/server.js';
import type { TargetPortalConfig } from '../transport/target-config.js';
import { ZoneModel } from '../zbc/zone-model.js';
import type { ZoneJournal } from '../zbc/zone-journal.js';
import type { ResolvedConfig, ResolvedLun } from './config.js';
import { FileBlockStore } from './storage/file-block-store.js';
import { FileZoneJournal } from './storage/file-zone-journal.js';
import { MemoryBlockStore } from './storage/memory-block-store.js';
import { MemoryZoneJournal } from './storage/memory-zone-journal.js';

const log = createDebug('zbc:src');

export interface Composed {
  readonly server: IscsiServer;
  readonly targets: readonly ManagedScsiTarget[];
  /** Async logout and drop of every session, then flush and close every LU. */
  close(): Promise<void>;
}

interface OpenedLun {
  readonly config: LogicalUnitConfig;
  readonly store: BlockStore;
  readonly journal?: ZoneJournal;
}

/** Opens one LUN's storage and zone state. Throws StorageError / JournalError (one line). */
export async function openLun(lun: ResolvedLun): Promise<OpenedLun> {
  const { layout } = lun;
  const bytes = layout.capacityBlocks * layout.blockSize;
  const store: BlockStore =
    lun.storage.kind === 'file'
      ? await FileBlockStore.open(lun.storage.path, bytes, { readOnly: lun.readOnly })
      : new MemoryBlockStore(bytes);
  let journal: ZoneJournal | undefined;
  try {
    if (layout.model !== 'none') {
      journal =
        lun.storage.kind === 'file'
          ? await FileZoneJournal.open(FileZoneJournal.pathFor(lun.storage.path), layout, { format: lun.storage.format })
          : new MemoryZoneJournal();
    }
    const zones = journal !== undefined ? new ZoneModel(layout, journal.loaded) : undefined;
    const config: LogicalUnitConfig = {
      lun: lun.lun,
      store,
      blockSize: layout.blockSize,
      physicalBlockSize: layout.physicalBlockSize,
      capacityBlocks: layout.capacityBlocks,
      serial: lun.serial,
      readOnly: lun.readOnly,
      // SMR drives rotate; a memory disk reports non-rotating (VPD B1h).
      rotationRate: lun.storage.kind === 'file' && layout.model !== 'none' ? 7200 : 1,
      ...(zones !== undefined ? { zones } : {}),
      ...(journal !== undefined ? { journal } : {}),
      ...(lun.vendor !== undefined ? { vendor: lun.vendor } : {}),
      ...(lun.product !== undefined ? { product: lun.product } : {}),
    };
    return { config, store, ...(journal !== undefined ? { journal } : {}) };
  } catch (e) {
    await journal?.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw e;
  }
}

export async function compose(config: ResolvedConfig): Promise<Composed> {
  const opened: OpenedLun[] = [];
  const targets: ManagedScsiTarget[] = [];
  const portals: TargetPortalConfig[] = [];
  try {
    for (const t of config.targets) {
      const luns: LogicalUnitConfig[] = [];
      for (const l of t.luns) {
        const o = await openLun(l);
        opened.push(o);
        luns.push(o.config);
        log('target %s lun %d: %s, %d blocks of %d', t.name, l.lun, l.layout.model, l.layout.capacityBlocks, l.layout.blockSize);
      }
      const scsi = createScsiTarget({ name: t.name, luns });
      targets.push(scsi);
      portals.push({
        name: t.name,
        scsi,
        ...(t.alias !== undefined ? { alias: t.alias } : {}),
        ...(t.chap ? { chap: t.chap } : {}),
        ...(t.mutualChap ? { mutualChap: t.mutualChap } : {}),
        ...(t.initiators ? { initiators: t.initiators } : {}),
      });
    }
    const server = await startIscsiServer({
      host: config.listen.host,
      port: config.listen.port,
      targets: portals,
      ...(config.queueDepth !== undefined ? { queueDepth: config.queueDepth } : {}),
    });
    let closing: Promise<void> | undefined;
    return {
      server,
      targets,
      close() {
        closing ??= (async () => {
          try {
            await server.close();
          } finally {
            await closeTargets(targets);
          }
        })();
        return closing;
      },
    };
  } catch (e) {
    // Targets own their LUs' stores and journals; LUs opened but not yet in a target are closed here.
    await closeTargets(targets);
    const owned = new Set(targets.flatMap((t) => t.luns().map((l) => t.logicalUnit(l.lun)?.store)));
    for (const o of opened) {
      if (owned.has(o.store)) continue;
      await o.journal?.close().catch(() => undefined);
      await o.store.close().catch(() => undefined);
    }
    throw e;
  }
}

/** Flushes and closes every target; one failure does not keep the others open. */
async function closeTargets(targets: readonly ManagedScsiTarget[]): Promise<void> {
  const results = await Promise.allSettled(targets.map((t) => t.close()));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
