// A SATA LU on the unit harness: host-managed zones of the small fixture layout, or non-zoned.
import { ZoneModel } from '../../../../zbc/zone-model.js';
import type { ZoneLayoutConfig } from '../../../../zbc/types.js';
import { smallLayout } from '../../zbc/fixtures.js';
import { FakeJournal, harness } from '../harness.js';

export function sata(over: Partial<ZoneLayoutConfig> = {}, blockSize = 512) {
  const l = smallLayout({ blockSize, ...over });
  const zones = new ZoneModel(l);
  const h = harness({
    blockSize,
    capacityBlocks: l.capacityBlocks,
    zones,
    journal: new FakeJournal([]),
    interface: 'sata',
  });
  return { ...h, zones };
}

export function plainSata() {
  return harness({ capacityBlocks: 2048, interface: 'sata' });
}
