// The realm table of a zone-domains LU in its zone metadata file (format versions 2 and 4): one
// page after the zone table, kept in two copies written alternately like the zone table pages, so a
// torn write leaves the older copy. It holds the active zone domain ID of every realm and is the
// authority over the zone records' INACTIVE conditions at load (zbc/domains/zone-domains.ts).
//
//   0 magic 'ZBCR'   4 CRC32C of bytes 8..   8 record version (1)   12 format ID
//   16 generation (f64)   24 realm count   32.. one byte per realm
import { crc32c } from '@node-rs/crc32';
import { createHash } from 'node:crypto';
import type { ZoneLayoutConfig } from '../../zbc/types.js';

const REALM_MAGIC = 0x5a42_4352; // 'ZBCR'
const REALM_RECORD_VERSION = 1;
const HEADER = 32;
/** Zone metadata format version of a zone-domains LU with two copies per zone page (4: three). */
export const DOMAINS_FORMAT_VERSION = 2;

export function encodeRealmPage(
  pageSize: number,
  realms: Uint8Array,
  formatId: number,
  gen: number,
): Buffer {
  const buf = Buffer.alloc(pageSize);
  buf.writeUInt32LE(REALM_MAGIC, 0);
  buf.writeUInt32LE(REALM_RECORD_VERSION, 8);
  buf.writeUInt32LE(formatId, 12);
  buf.writeDoubleLE(gen, 16);
  buf.writeUInt32LE(realms.length, 24);
  buf.set(realms, HEADER);
  buf.writeUInt32LE(crc32c(buf.subarray(8)), 4);
  return buf;
}

/** The page's generation and realm table, or null when the copy is not a valid realm page. */
export function decodeRealmPage(
  page: Buffer,
  formatId: number,
  realms: number,
): { gen: number; table: Uint8Array } | null {
  const valid =
    page.readUInt32LE(0) === REALM_MAGIC &&
    page.readUInt32LE(4) === crc32c(page.subarray(8)) &&
    page.readUInt32LE(8) === REALM_RECORD_VERSION &&
    page.readUInt32LE(12) === formatId &&
    page.readUInt32LE(24) === realms;
  if (!valid) return null;
  return {
    gen: page.readDoubleLE(16),
    table: Uint8Array.from(page.subarray(HEADER, HEADER + realms)),
  };
}

/** Superblock field of version 2: a digest of the domains layout, so another one is refused. */
export function domainsSignature(layout: ZoneLayoutConfig): number {
  const d = layout.domains;
  if (d === undefined) return 0;
  const text = JSON.stringify([
    d.realms,
    d.domains.map((x) => [x.type, x.zonesPerRealm]),
    d.gapZones,
    d.restrictedRealms,
  ]);
  return createHash('sha256').update(text).digest().readUInt32LE(0);
}
