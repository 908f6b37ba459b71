// The AtaDevice view of a SATA LU: its layout (a flat one for a non-zoned LU), identity and the
// current feature settings. Built per command: the settings change with SET FEATURES.
import type { AtaDevice } from '../../../zbc/ata/device.js';
import type { ZoneLayoutConfig } from '../../../zbc/types.js';
import type { LogicalUnit } from '../../logical-unit.js';

function flatLayout(lu: LogicalUnit): ZoneLayoutConfig {
  return {
    model: 'none',
    blockSize: lu.blockSize,
    physicalBlockSize: lu.physicalBlockSize,
    capacityBlocks: lu.capacityBlocks,
    zoneSizeBlocks: 0,
    zoneCapacityBlocks: 0,
    conventionalZones: 0,
    maxOpen: null,
    urswrz: true,
    readOnlyZones: [],
    offlineZones: [],
  };
}

/** The ATA view of `lu`, or undefined for a SAS LU. */
export function ataDevice(lu: LogicalUnit): AtaDevice | undefined {
  const sata = lu.sata;
  if (sata === undefined) return undefined;
  const layout = lu.zones?.layout ?? flatLayout(lu);
  // A domains LU's activation controls are its Zone Domains mode page values.
  const { fsnoz, maxActivation } = lu.mode;
  const activation = layout.domains !== undefined ? { fsnoz, maxActivation } : undefined;
  const urswrz = lu.zones?.urswrz ?? layout.urswrz;
  const now = { ...layout, capacityBlocks: lu.capacityBlocks, urswrz };
  return sata.device(now, lu.mode.wce, activation);
}
