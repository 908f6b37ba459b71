// Zoned identity data: VPD B6h Zoned Block Device Characteristics (ZBC-2 6.5.2), the
// B1h ZONED field and the INQUIRY peripheral device type for a model.
import { putU64 } from './fields.js';
import { ZoneGeometry } from './geometry.js';
import type { ZoneLayoutConfig, ZonedModel } from './types.js';

export const ZONED_VPD_PAGE_CODE = 0xb6;
/** Page length field is 003Ch: Linux reads 64 bytes and refuses the disk if that fails. */
export const ZONED_VPD_PAGE_BYTES = 64;
const NOT_REPORTED = 0xffff_ffff;

/** INQUIRY PERIPHERAL DEVICE TYPE: 14h host-managed zoned block device, else 00h (ZBC-2). */
export function peripheralDeviceType(model: ZonedModel): number {
  return model === 'host-managed' ? 0x14 : 0x00;
}

/** B1h byte 8 bits 5:4 ZONED: 01b host aware, 00b host managed (PDT 14h says so) and none. */
export function zonedField(model: ZonedModel): number {
  return model === 'host-aware' ? 0b01 : 0b00;
}

/**
 * B6h byte 4 bits 7:4 ZONED BLOCK DEVICE EXTENSION (ZBC-2): 1h host aware, 2h domains and realms,
 * 0h otherwise.
 */
function deviceExtension(layout: ZoneLayoutConfig): number {
  if (layout.domains !== undefined) return 0x2;
  return layout.model === 'host-aware' ? 0x1 : 0x0;
}

/** B6h byte 4 bit 1 AAORB: ZONE ACTIVATE works on whole realms only (zbc/domains/activation.ts). */
const AAORB = 0x02;

/**
 * ZONE ALIGNMENT METHOD (byte 23 bits 3:0): 8 when gap zones follow each sequential zone
 * (constant zone starting LBA offset), 1 when every zone has the same length, else 0 (not reported).
 */
function alignment(layout: ZoneLayoutConfig, geometry: ZoneGeometry): number {
  if (geometry.hasGaps) return 8;
  return layout.capacityBlocks % layout.zoneSizeBlocks === 0 ? 1 : 0;
}

/** Encodes the whole 64-byte page into `out` (zeroed, at least 64 bytes) for a zoned layout. */
export function encodeZonedVpdPage(layout: ZoneLayoutConfig, out: Uint8Array): void {
  const geometry = new ZoneGeometry(layout);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const hostAware = layout.model === 'host-aware';
  out[0] = peripheralDeviceType(layout.model);
  out[1] = ZONED_VPD_PAGE_CODE;
  view.setUint16(2, ZONED_VPD_PAGE_BYTES - 4);
  // Linux refuses a host-managed disk with URSWRZ = 0; the option exists for libzbc read tests.
  const aaorb = layout.domains !== undefined ? AAORB : 0;
  out[4] = (deviceExtension(layout) << 4) | aaorb | (layout.urswrz || hostAware ? 1 : 0);
  // Never 0 in bytes 8–19: libzbc reads 0 as "not reported" with a warning.
  const hint = hostAware && layout.maxOpen !== null ? layout.maxOpen : NOT_REPORTED;
  view.setUint32(8, hint); // OPTIMAL NUMBER OF OPEN SEQUENTIAL WRITE PREFERRED ZONES
  view.setUint32(12, hint); // OPTIMAL NUMBER OF NON-SEQUENTIALLY WRITTEN SWP ZONES
  view.setUint32(16, !hostAware && layout.maxOpen !== null ? layout.maxOpen : NOT_REPORTED); // MAX OPEN SWR
  out[23] = alignment(layout, geometry);
  putU64(view, 24, geometry.startingLbaGranularity);
}
