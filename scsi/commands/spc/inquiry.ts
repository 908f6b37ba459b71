// INQUIRY (12h), SPC-4 6.6: standard data (table 142) or a VPD page (vpd-pages.ts).
import { SENSE } from '../../../sense-tables/index.js';
import type { CommandResult } from '../../command-result.js';
import { type CommandContext, commandRow, type TargetContext } from '../../command-spec.js';
import type { LogicalUnit } from '../../logical-unit.js';
import { check, dataIn } from '../../response.js';
import { findVpdPage } from './vpd-pages.js';

const STANDARD_LENGTH = 96;

/** SPC-4 table 145 version descriptors: SAM-5, iSCSI, SPC-4, SBC-3, ZBC (no version claimed). */
const VERSION_DESCRIPTORS = [0x00a0, 0x0960, 0x0460, 0x04c0] as const;
const ZBC_VERSION_DESCRIPTOR = 0x0620;

/** PERIPHERAL DEVICE TYPE: 14h host-managed zoned, else 00h direct access (ZBC-2 6.1). */
export function peripheralDeviceType(lu: LogicalUnit): number {
  return lu.zones?.model === 'host-managed' ? 0x14 : 0x00;
}

function ascii(out: Buffer, at: number, length: number, text: string): void {
  out.fill(0x20, at, at + length);
  out.write(text.replace(/[^\x20-\x7e]/g, '?').substring(0, length), at, 'latin1');
}

function standardData(
  out: Buffer,
  byte0: number,
  vendor: string,
  product: string,
  revision: string,
  zoned: boolean,
): void {
  out[0] = byte0;
  out[2] = 0x06; // VERSION: SPC-4
  out[3] = 0x12; // HISUP, RESPONSE DATA FORMAT 2
  out[4] = STANDARD_LENGTH - 5; // ADDITIONAL LENGTH
  out[7] = 0x02; // CMDQUE
  ascii(out, 8, 8, vendor);
  ascii(out, 16, 16, product);
  ascii(out, 32, 4, revision);
  const descriptors = zoned
    ? [...VERSION_DESCRIPTORS, ZBC_VERSION_DESCRIPTOR]
    : VERSION_DESCRIPTORS;
  descriptors.forEach((d, i) => out.writeUInt16BE(d, 58 + 2 * i));
}

function inquiry({ cdb, lu }: CommandContext): CommandResult {
  const evpd = ((cdb[1] ?? 0) & 0x01) !== 0;
  const pageCode = cdb[2] ?? 0;
  const allocation = cdb.readUInt16BE(3);
  if (((cdb[1] ?? 0) & 0x02) !== 0) {
    return check(SENSE.INVALID_FIELD_IN_CDB, { field: { in: 'cdb', byte: 1, bit: 1 } }); // CMDDT
  }
  if (!evpd) {
    if (pageCode !== 0) return check(SENSE.INVALID_FIELD_IN_CDB, { field: { in: 'cdb', byte: 2 } });
    return dataIn(STANDARD_LENGTH, allocation, (out) =>
      standardData(
        out,
        peripheralDeviceType(lu),
        lu.vendor,
        lu.product,
        lu.revision,
        lu.zones !== undefined,
      ),
    );
  }
  const page = findVpdPage(lu, pageCode);
  if (page === undefined)
    return check(SENSE.INVALID_FIELD_IN_CDB, { field: { in: 'cdb', byte: 2 } });
  const length = page.length(lu);
  return dataIn(4 + length, allocation, (out) => {
    out[0] = peripheralDeviceType(lu);
    out[1] = page.code;
    out.writeUInt16BE(length, 2);
    page.encode(out, lu);
  });
}

/**
 * INQUIRY to a LUN that is not mapped (SPC-4 6.6.2): PERIPHERAL QUALIFIER 011b, PDT 1Fh, so
 * Linux and libiscsi skip it. VPD requests get the same byte 0 with an empty page.
 */
function inquiryForMissingLun({ cdb }: TargetContext): CommandResult {
  const allocation = cdb.readUInt16BE(3);
  if (((cdb[1] ?? 0) & 0x01) !== 0) {
    return dataIn(4, allocation, (out) => {
      out[0] = 0x7f;
      out[1] = cdb[2] ?? 0;
    });
  }
  return dataIn(STANDARD_LENGTH, allocation, (out) =>
    standardData(out, 0x7f, 'ZBCTGT', 'No such LUN', '0001', false),
  );
}

export const INQUIRY = commandRow({
  name: 'INQUIRY',
  opcode: 0x12,
  direction: 'in',
  mediumAccess: false,
  reservation: 'allowed',
  usageAfterOpcode: [0x03, 0xff, 0xff, 0xff, 0x04],
  skipsUnitAttention: true,
  allowedUnderReservation: true,
  handler: inquiry,
  withoutLu: inquiryForMissingLun,
});
