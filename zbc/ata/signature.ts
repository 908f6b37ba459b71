// Device signature (ACS-4 table 206; ZAC 4.x): the registers EXECUTE DEVICE DIAGNOSTIC returns,
// and the SATA Register D2H FIS in VPD 89h. LBA(15:8) CDh, LBA(23:16) ABh mark a host-managed
// ZAC device; host-aware, non-zoned and zone domains (ZAC-2) devices use the ATA signature
// (00h, 00h): a domains drive is told apart by log 30h page 09h, not by its signature.
import type { ZoneLayoutConfig } from '../types.js';

export interface AtaOutputRegisters {
  readonly error: number;
  readonly count: number;
  /** LBA(47:0). */
  readonly lba: number;
  readonly device: number;
  readonly status: number;
}

/** STATUS after a successful command: DRDY and DSC (bit 4) set; libzbc requires exactly 50h. */
export const STATUS_OK = 0x50;

export function deviceSignature(layout: ZoneLayoutConfig): AtaOutputRegisters {
  const zac = layout.model === 'host-managed' && layout.domains === undefined;
  return {
    error: 0x01, // diagnostic passed (device 0 passed, device 1 not present)
    count: 0x01,
    lba: zac ? 0xabcd01 : 0x000001,
    device: 0x00,
    status: STATUS_OK,
  };
}
