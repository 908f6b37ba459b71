// The layout both zone journal property tests run on: 600 zones of 64 blocks, three zone-table
// pages of RECORDS_PER_PAGE records, so persists touch several pages and share some.
import { RECORDS_PER_PAGE } from '../../../../src/storage/file-zone-journal.js';
import type { ZoneLayoutConfig } from '../../../../zbc/types.js';

export const ZONE = 64;
export const COUNT = 600;
export const layout: ZoneLayoutConfig = {
  model: 'host-managed',
  blockSize: 4096,
  physicalBlockSize: 4096,
  capacityBlocks: COUNT * ZONE,
  zoneSizeBlocks: ZONE,
  zoneCapacityBlocks: ZONE,
  conventionalZones: 1,
  maxOpen: 8,
  urswrz: true,
  readOnlyZones: [],
  offlineZones: [],
};
export const PAGES = Math.ceil(COUNT / RECORDS_PER_PAGE);
