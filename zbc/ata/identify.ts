// IDENTIFY DEVICE data (ACS-4 7.12.7, 256 words), built from the LU: capacity and sector sizes
// from its layout, ZONED CAPABILITIES from its model, enabled features from its settings.
import { putAtaString } from './ata-string.js';
import { type AtaDevice, NCQ_DEPTH, physicalExponent, zonedCapabilities } from './device.js';
import { sealChecksum, setWord, viewOf } from './words.js';

export const IDENTIFY_BYTES = 512;

/** Word numbers used below (ACS-4 table 45). */
export const W = {
  GENERAL_CONFIG: 0,
  SERIAL: 10,
  FIRMWARE: 23,
  MODEL: 27,
  CAPABILITIES: 49,
  LBA28_CAPACITY: 60,
  ADDITIONAL_SUPPORTED: 69,
  QUEUE_DEPTH: 75,
  SATA_CAPABILITIES: 76,
  MAJOR_VERSION: 80,
  SUPPORTED_82: 82,
  SUPPORTED_83: 83,
  SUPPORTED_84: 84,
  ENABLED_85: 85,
  ENABLED_86: 86,
  ENABLED_87: 87,
  UDMA_MODES: 88,
  LBA48_CAPACITY: 100,
  SECTOR_SIZES: 106,
  WWN: 108,
  LOGICAL_SECTOR_WORDS: 117,
  SUPPORTED_119: 119,
  ENABLED_120: 120,
  FORM_FACTOR: 168,
  ROTATION_RATE: 217,
  TRANSPORT_MAJOR: 222,
  EXTENDED_CAPACITY: 230,
  INTEGRITY: 255,
} as const;

const BIT14 = 0x4000; // words 83, 84, 87, 106, 119, 120: "bit 14 shall be one, bit 15 zero"
const SMART = 1 << 0; // word 82/85 bit 0
const POWER_MANAGEMENT = 1 << 3; // word 82/85 bit 3 (CHECK POWER MODE)
const WRITE_CACHE = 1 << 5; // word 82/85 bit 5
const LOOK_AHEAD = 1 << 6; // word 82/85 bit 6
const LBA48 = 1 << 10; // word 83/86 bit 10
const FLUSH_CACHE = 1 << 12; // word 83/86 bit 12
const FLUSH_CACHE_EXT = 1 << 13; // word 83/86 bit 13
const SMART_ERROR_LOGGING = 1 << 0; // word 84/87 bit 0
const GPL = 1 << 5; // word 84/87 bit 5
const WWN_SUPPORTED = 1 << 8; // word 84/87 bit 8
const SENSE_REPORTING = 1 << 6; // word 119/120 bit 6
const READ_LOG_DMA_EXT = 1 << 3; // word 119 bit 3
const LBA28_MAX = 0x0fff_ffff;

/** Writes the 512-byte IDENTIFY DEVICE data into `out` (zeroed, at least 512 bytes). */
export function encodeIdentify(dev: AtaDevice, out: Uint8Array): void {
  const data = out.subarray(0, IDENTIFY_BYTES);
  const v = viewOf(data);
  const { layout, identity, settings } = dev;
  const sectors = layout.capacityBlocks;
  const exponent = physicalExponent(layout);
  setWord(v, W.GENERAL_CONFIG, 0x0040); // ATA device (bit 15 zero), fixed
  setWord(v, 1, 16383); // obsolete CHS geometry as drives still report it
  setWord(v, 3, 16);
  setWord(v, 6, 63);
  putAtaString(data, W.SERIAL * 2, 20, identity.serial);
  putAtaString(data, W.FIRMWARE * 2, 8, identity.firmware);
  putAtaString(data, W.MODEL * 2, 40, identity.model);
  setWord(v, 47, 0x8010); // READ/WRITE MULTIPLE: up to 16 sectors per DRQ block
  setWord(v, 48, BIT14); // trusted computing not supported
  setWord(v, W.CAPABILITIES, 0x0f00); // IORDY, IORDY may be disabled, LBA, DMA
  setWord(v, 50, BIT14);
  setWord(v, 53, 0x0006); // words 64-70 and 88 valid
  setWord(v, 59, 0x0110); // multiple sector setting valid, 16 sectors
  setWord(v, W.LBA28_CAPACITY, Math.min(sectors, LBA28_MAX) & 0xffff);
  setWord(v, W.LBA28_CAPACITY + 1, Math.min(sectors, LBA28_MAX) >>> 16);
  setWord(v, 63, 0x0007); // multiword DMA modes 0-2 supported
  setWord(v, 64, 0x0003); // PIO modes 3 and 4
  for (const w of [65, 66, 67, 68]) setWord(v, w, 0x0078); // cycle times, 120 ns
  // Bit 3: extended number of user addressable sectors (words 230-233) supported.
  setWord(v, W.ADDITIONAL_SUPPORTED, (1 << 3) | zonedCapabilities(layout));
  setWord(v, W.QUEUE_DEPTH, NCQ_DEPTH - 1);
  setWord(v, W.SATA_CAPABILITIES, 0x010e); // NCQ; Gen1, Gen2, Gen3 signalling speeds
  setWord(v, W.MAJOR_VERSION, 0x0fe0); // ATA/ATAPI-5 through ACS-4
  setWord(v, W.SUPPORTED_82, SMART | POWER_MANAGEMENT | WRITE_CACHE | LOOK_AHEAD);
  setWord(v, W.SUPPORTED_83, BIT14 | FLUSH_CACHE_EXT | FLUSH_CACHE | LBA48);
  setWord(v, W.SUPPORTED_84, BIT14 | WWN_SUPPORTED | GPL | SMART_ERROR_LOGGING);
  setWord(
    v,
    W.ENABLED_85,
    (settings.smart ? SMART : 0) |
      POWER_MANAGEMENT |
      (settings.writeCache ? WRITE_CACHE : 0) |
      (settings.readLookAhead ? LOOK_AHEAD : 0),
  );
  // Bit 15: words 119-120 valid.
  setWord(v, W.ENABLED_86, 0x8000 | FLUSH_CACHE_EXT | FLUSH_CACHE | LBA48);
  setWord(v, W.ENABLED_87, BIT14 | WWN_SUPPORTED | GPL | SMART_ERROR_LOGGING);
  setWord(v, W.UDMA_MODES, 0x407f); // UDMA 0-6 supported, mode 6 selected
  setQwordWords(v, W.LBA48_CAPACITY, sectors);
  setWord(v, W.SECTOR_SIZES, sectorSizesWord(layout.blockSize, exponent));
  setWord(v, W.WWN, identity.wwn[0] >>> 16);
  setWord(v, W.WWN + 1, identity.wwn[0] & 0xffff);
  setWord(v, W.WWN + 2, identity.wwn[1] >>> 16);
  setWord(v, W.WWN + 3, identity.wwn[1] & 0xffff);
  if (layout.blockSize > 512) {
    const words = layout.blockSize / 2;
    setWord(v, W.LOGICAL_SECTOR_WORDS, words & 0xffff);
    setWord(v, W.LOGICAL_SECTOR_WORDS + 1, words >>> 16);
  }
  setWord(v, W.SUPPORTED_119, BIT14 | SENSE_REPORTING | READ_LOG_DMA_EXT);
  setWord(v, W.ENABLED_120, BIT14 | (settings.senseReporting ? SENSE_REPORTING : 0));
  setWord(v, W.FORM_FACTOR, 0x0003); // 3.5 inch
  setWord(v, W.ROTATION_RATE, identity.rotationRate);
  setWord(v, W.TRANSPORT_MAJOR, 0x107f); // Serial ATA: ATA8-AST through SATA 3.1
  setQwordWords(v, W.EXTENDED_CAPACITY, sectors);
  sealChecksum(data, 0xa5); // word 255: signature A5h, checksum
}

/** Word 106: bit 14 valid; bit 13 several logical per physical; bit 12 logical > 256 words. */
function sectorSizesWord(blockSize: number, exponent: number): number {
  return BIT14 | (exponent > 0 ? 0x2000 | exponent : 0) | (blockSize > 512 ? 0x1000 : 0);
}

/** Four words holding a 64-bit count, least significant word first (words 100-103, 230-233). */
function setQwordWords(v: DataView, word: number, value: number): void {
  v.setUint32(word * 2, value >>> 0, true);
  v.setUint32(word * 2 + 4, Math.floor(value / 0x1_0000_0000) >>> 0, true);
}
