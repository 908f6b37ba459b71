// ATA Information VPD page 89h (SAT-4 12.4.2): the SATL's identification, the device signature
// as a SATA Register D2H FIS, and the 512-byte IDENTIFY DEVICE data. Served on SATA LUs only.
import { encodeIdentify, IDENTIFY_BYTES } from '../../../zbc/ata/identify.js';
import { deviceSignature } from '../../../zbc/ata/signature.js';
import type { LogicalUnit } from '../../logical-unit.js';
import { ataDevice } from './ata-device.js';

export const ATA_INFORMATION_PAGE = 0x89;
/** PAGE LENGTH 0238h: the page is 572 bytes. */
export const ATA_INFORMATION_LENGTH = 0x238;

const SATL_VENDOR = 'ZBCTGT  ';
const SATL_PRODUCT = 'zbc-target SATL ';
const SATL_REVISION = '0001';
const FIS_REGISTER_D2H = 0x34;
const IDENTIFY_DEVICE = 0xec;

export function encodeAtaInformation(out: Buffer, lu: LogicalUnit): void {
  const dev = ataDevice(lu);
  if (dev === undefined) return;
  out.write(SATL_VENDOR, 8, 'latin1');
  out.write(SATL_PRODUCT, 16, 'latin1');
  out.write(SATL_REVISION, 32, 'latin1');
  const sig = deviceSignature(dev.layout);
  out[36] = FIS_REGISTER_D2H;
  out[38] = sig.status;
  out[39] = sig.error;
  out[40] = sig.lba & 0xff;
  out[41] = (sig.lba >>> 8) & 0xff;
  out[42] = (sig.lba >>> 16) & 0xff;
  out[43] = sig.device;
  out[48] = sig.count & 0xff;
  out[49] = (sig.count >>> 8) & 0xff;
  out[56] = IDENTIFY_DEVICE; // COMMAND CODE: the data below answer IDENTIFY DEVICE
  encodeIdentify(dev, out.subarray(60, 60 + IDENTIFY_BYTES));
}
