// General Purpose Logs (ACS-4 9): the log directory (00h), the IDENTIFY DEVICE data log (30h)
// with the pages that describe a zoned device (ZAC 6.x for page 09h) and the SATA Phy Event
// Counters log (11h). One row per log address: its page count and its page encoder.
import { putAtaString } from './ata-string.js';
import { type AtaDevice, physicalExponent, zacMinorVersion, zonedCapabilities } from './device.js';
import { encodeIdentify } from './identify.js';
import { encodeZoneDomainsInfo } from './zone-domains-info.js';
import { sealChecksum, setQword, setWord, VALID, viewOf } from './words.js';

export const LOG_PAGE_BYTES = 512;

export const LogAddress = {
  DIRECTORY: 0x00,
  SATA_PHY_EVENT_COUNTERS: 0x11,
  IDENTIFY_DEVICE_DATA: 0x30,
} as const;

/** IDENTIFY DEVICE data log pages (ACS-4 table 204). */
export const IdentifyPage = {
  LIST: 0x00,
  COPY_OF_IDENTIFY: 0x01,
  CAPACITY: 0x02,
  SUPPORTED_CAPABILITIES: 0x03,
  CURRENT_SETTINGS: 0x04,
  STRINGS: 0x05,
  ZONED_DEVICE_INFORMATION: 0x09,
} as const;

type PageEncoder = (dev: AtaDevice, out: Uint8Array) => void;

/** Page header qword (ACS-4 9.10.1): bit 63 set, PAGE NUMBER bits 23:16, REVISION 0001h. */
function header(v: DataView, page: number): void {
  setQword(v, 0, (page << 16) | 0x0001, VALID);
}

const identifyPages: ReadonlyMap<number, PageEncoder> = new Map<number, PageEncoder>([
  [IdentifyPage.LIST, (_dev, out) => encodePageList(out)],
  [IdentifyPage.COPY_OF_IDENTIFY, (dev, out) => encodeIdentify(dev, out)],
  [IdentifyPage.CAPACITY, encodeCapacityPage],
  [IdentifyPage.SUPPORTED_CAPABILITIES, encodeSupportedCapabilitiesPage],
  [IdentifyPage.CURRENT_SETTINGS, encodeCurrentSettingsPage],
  [IdentifyPage.STRINGS, encodeStringsPage],
  [IdentifyPage.ZONED_DEVICE_INFORMATION, encodeZonedInformationPage],
]);

/** Pages 00h-09h exist (the directory counts 10); those not in the list read as zeros. */
const IDENTIFY_LOG_PAGES = 10;

function encodePageList(out: Uint8Array): void {
  header(viewOf(out), IdentifyPage.LIST);
  const pages = [...identifyPages.keys()];
  out[8] = pages.length; // NUMBER OF ENTRIES
  pages.forEach((p, i) => {
    out[9 + i] = p;
  });
}

/** Page 02h: DEVICE CAPACITY, PHYSICAL/LOGICAL SECTOR SIZE, LOGICAL SECTOR SIZE (in words). */
function encodeCapacityPage(dev: AtaDevice, out: Uint8Array): void {
  const v = viewOf(out);
  const { layout } = dev;
  header(v, IdentifyPage.CAPACITY);
  setQword(v, 8, layout.capacityBlocks, VALID);
  // Bit 62: logical to physical relationship supported (bits 18:16 its exponent); bit 61:
  // logical sector size supported (qword 24); bits 15:0 logical sector offset 0.
  setQword(v, 16, physicalExponent(layout) * 0x1_0000, VALID | 0x4000 | 0x2000);
  setQword(v, 24, layout.blockSize / 2, VALID);
}

/** Page 03h: rotation rate, form factor and ZONED CAPABILITIES (qword at byte 104). */
function encodeSupportedCapabilitiesPage(dev: AtaDevice, out: Uint8Array): void {
  const v = viewOf(out);
  header(v, IdentifyPage.SUPPORTED_CAPABILITIES);
  setQword(v, 8, 0, VALID); // SUPPORTED CAPABILITIES: no optional feature claimed
  setQword(v, 24, dev.identity.rotationRate, VALID); // NOMINAL MEDIA ROTATION RATE
  setQword(v, 32, 0x3, VALID); // NOMINAL FORM FACTOR: 3.5 inch
  setQword(v, 104, zonedCapabilities(dev.layout), VALID); // ZONED CAPABILITIES
}

/** Bit 10 of CURRENT SETTINGS: sense data reporting enabled (as libzbc reads it). */
export const SENSE_DATA_ENABLED = 1 << 10;
/** Bits 0 and 1 of CURRENT SETTINGS: volatile write cache, read look-ahead enabled. */
const WRITE_CACHE_ENABLED = 1 << 0;
const READ_LOOK_AHEAD_ENABLED = 1 << 1;

/** Page 04h: CURRENT SETTINGS. */
function encodeCurrentSettingsPage(dev: AtaDevice, out: Uint8Array): void {
  const v = viewOf(out);
  const s = dev.settings;
  header(v, IdentifyPage.CURRENT_SETTINGS);
  const bits =
    (s.senseReporting ? SENSE_DATA_ENABLED : 0) |
    (s.writeCache ? WRITE_CACHE_ENABLED : 0) |
    (s.readLookAhead ? READ_LOOK_AHEAD_ENABLED : 0);
  setQword(v, 8, bits, VALID);
}

/** Page 05h: SERIAL NUMBER (byte 8), FIRMWARE REVISION (32), MODEL NUMBER (48), ATA strings. */
function encodeStringsPage(dev: AtaDevice, out: Uint8Array): void {
  header(viewOf(out), IdentifyPage.STRINGS);
  putAtaString(out, 8, 20, dev.identity.serial);
  putAtaString(out, 32, 8, dev.identity.firmware);
  putAtaString(out, 48, 40, dev.identity.model);
}

/** Value for "no limit" / "not reported" in 30h/09h (libata falls back to U32_MAX too). */
const NOT_REPORTED = 0xffff_ffff;

/**
 * Page 09h, ZAC: zoned device capabilities, optimal / maximum open zones, ZAC minor version, and
 * for a domains drive the ZAC-2 zone domains fields.
 */
function encodeZonedInformationPage(dev: AtaDevice, out: Uint8Array): void {
  const v = viewOf(out);
  const { layout } = dev;
  header(v, IdentifyPage.ZONED_DEVICE_INFORMATION);
  if (layout.model === 'none') return;
  const hostAware = layout.model === 'host-aware';
  const open = layout.maxOpen ?? NOT_REPORTED;
  setQword(v, 8, layout.urswrz || hostAware ? 1 : 0, VALID); // bit 0 URSWRZ
  setQword(v, 16, 0, VALID); // ZONED DEVICE SETTINGS
  setQword(v, 24, hostAware ? open : NOT_REPORTED, VALID); // OPTIMAL OPEN SWP ZONES
  setQword(v, 32, hostAware ? open : NOT_REPORTED, VALID); // OPTIMAL NON-SEQ WRITTEN SWP ZONES
  setQword(v, 40, hostAware ? NOT_REPORTED : open, VALID); // MAXIMUM OPEN SWR ZONES
  setQword(v, 48, zacMinorVersion(layout), VALID); // VERSION INFORMATION
  encodeZoneDomainsInfo(dev, v);
}

/**
 * SATA Phy Event Counters (SATA 3.x 13.7.x, log 11h): the two mandatory counters (001h command
 * failed with ICRC, 00Ah D2H register FISes for COMRESET), each one word, both zero; ID 0 ends
 * the list; byte 511 is the checksum.
 */
function encodePhyEventCounters(out: Uint8Array): void {
  const v = viewOf(out);
  const oneWord = 1 << 12; // bits 14:12: value size in words
  setWord(v, 2, oneWord | 0x001);
  setWord(v, 4, oneWord | 0x00a);
  sealChecksum(out);
}

interface GeneralPurposeLog {
  readonly pages: number;
  encode(dev: AtaDevice, page: number, out: Uint8Array): void;
}

const LOGS: ReadonlyMap<number, GeneralPurposeLog> = new Map<number, GeneralPurposeLog>([
  [LogAddress.DIRECTORY, { pages: 1, encode: (_dev, _page, out) => encodeDirectory(out) }],
  [
    LogAddress.SATA_PHY_EVENT_COUNTERS,
    { pages: 1, encode: (_dev, _page, out) => encodePhyEventCounters(out) },
  ],
  [
    LogAddress.IDENTIFY_DEVICE_DATA,
    {
      pages: IDENTIFY_LOG_PAGES,
      encode: (dev, page, out) => identifyPages.get(page)?.(dev, out),
    },
  ],
]);

/** Log directory (ACS-4 9.2): GPL version 0001h, then word N = pages of log address N. */
function encodeDirectory(out: Uint8Array): void {
  const v = viewOf(out);
  setWord(v, 0, 0x0001);
  for (const [address, log] of LOGS) if (address !== 0) setWord(v, address, log.pages);
}

/**
 * Reads `count` pages of log `address` from `page`, or returns null when the log or a page is not
 * supported (the command then aborts): nothing is allocated for a request that fails.
 */
export function readLog(
  dev: AtaDevice,
  address: number,
  page: number,
  count: number,
): Uint8Array | null {
  const log = LOGS.get(address);
  if (log === undefined || count === 0 || page + count > log.pages) return null;
  const out = new Uint8Array(count * LOG_PAGE_BYTES);
  for (let i = 0; i < count; i++) {
    const at = i * LOG_PAGE_BYTES;
    log.encode(dev, page + i, out.subarray(at, at + LOG_PAGE_BYTES));
  }
  return out;
}
