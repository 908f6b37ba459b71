// One LUN's storage and zone state from its resolved configuration: a file or memory store, a
// file or memory journal (zoned LUNs only) and the ZoneModel restored from the journal. What was
// opened is closed again when a later step fails, so a refused start leaves no handle behind.
import type { LogicalUnitConfig } from '../scsi/logical-unit.js';
import type { BlockStore } from '../scsi/ports/block-store.js';
import { ZoneModel } from '../zbc/zone-model.js';
import type { ZoneJournal } from '../zbc/zone-journal.js';
import type { ResolvedLun } from './config.js';
import { FileBlockStore } from './storage/file-block-store.js';
import { FileZoneJournal } from './storage/file-zone-journal.js';
import { MemoryBlockStore } from './storage/memory-block-store.js';
import { MemoryZoneJournal } from './storage/memory-zone-journal.js';

export interface OpenedLun {
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
      // A backing file created just now holds no data, so zone state left from an older file
      // of the same name must not survive: it is re-created as by --format.
      const fresh = store instanceof FileBlockStore && store.created;
      journal =
        lun.storage.kind === 'file'
          ? await FileZoneJournal.open(FileZoneJournal.pathFor(lun.storage.path), layout, {
              format: lun.storage.format || fresh,
            })
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
      interface: lun.interface,
      // SMR drives rotate; a memory disk reports non-rotating (VPD B1h).
      rotationRate: lun.storage.kind === 'file' && layout.model !== 'none' ? 7200 : 1,
      ...(zones !== undefined ? { zones } : {}),
      ...(journal !== undefined ? { journal } : {}),
      ...(lun.vendor !== undefined ? { vendor: lun.vendor } : {}),
      ...(lun.product !== undefined ? { product: lun.product } : {}),
      ...(lun.activateLayout !== undefined ? { activateLayout: lun.activateLayout } : {}),
    };
    return { config, store, ...(journal !== undefined ? { journal } : {}) };
  } catch (e) {
    await journal?.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw e;
  }
}
