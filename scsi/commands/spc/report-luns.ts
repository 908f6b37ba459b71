// REPORT LUNS (A0h), SPC-4 6.33: LUN LIST LENGTH states the whole list even when truncated.
import { SENSE } from '../../../sense-tables/index.js';
import type { CommandResult } from '../../command-result.js';
import { commandRow, type TargetContext } from '../../command-spec.js';
import { check, dataIn } from '../../response.js';

/** SELECT REPORT (SPC-4 table 202): 00h all, 01h well known only (we have none), 02h all. */
const SELECT_ALL = new Set([0x00, 0x02]);
const SELECT_WELL_KNOWN = 0x01;

/** The same answer with or without a LUN (SPC-4 6.33: REPORT LUNS is addressed to any LUN). */
function reportLuns({ cdb, target }: TargetContext): CommandResult {
  const select = cdb[2] ?? 0;
  if (!SELECT_ALL.has(select) && select !== SELECT_WELL_KNOWN) {
    return check(SENSE.INVALID_FIELD_IN_CDB, { field: { in: 'cdb', byte: 2 } });
  }
  const luns = select === SELECT_WELL_KNOWN ? [] : target.lunNumbers();
  const allocation = cdb.readUInt32BE(6);
  return dataIn(8 + 8 * luns.length, allocation, (out) => {
    out.writeUInt32BE(8 * luns.length, 0);
    // Single-level peripheral device addressing (SAM-5 4.7.7): 00h, LUN.
    luns.forEach((lun, i) => {
      out[8 + 8 * i + 1] = lun;
    });
  });
}

export const REPORT_LUNS = commandRow({
  name: 'REPORT LUNS',
  opcode: 0xa0,
  direction: 'in',
  mediumAccess: false,
  reservation: 'allowed',
  usageAfterOpcode: [0x00, 0xff, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x00, 0x04],
  skipsUnitAttention: true,
  allowedUnderReservation: true,
  handler: reportLuns,
  withoutLu: reportLuns,
});
