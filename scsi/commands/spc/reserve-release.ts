// RESERVE(6) 16h and RELEASE(6) 17h, SPC-2 7.21/7.17 (obsolete in SPC-4 but still sent by
// clusters and libiscsi's Reserve6 tests): a whole-LU reservation held by one I_T nexus.
// Dispatch answers RESERVATION CONFLICT to the other nexuses; resets and nexus loss release it.
import { SENSE } from '../../../sense-tables/index.js';
import type { CommandResult } from '../../command-result.js';
import { type CommandContext, commandRow } from '../../command-spec.js';
import { check, good } from '../../response.js';

/** 3RDPTY (bit 4), LONGID (bit 1) and EXTENT (bit 0) are not supported. */
const UNSUPPORTED_BITS = [4, 1, 0] as const;

function unsupportedBit(cdb: Buffer): CommandResult | null {
  const bit = UNSUPPORTED_BITS.find((b) => ((cdb[1] ?? 0) & (1 << b)) !== 0);
  return bit === undefined
    ? null
    : check(SENSE.INVALID_FIELD_IN_CDB, { field: { in: 'cdb', byte: 1, bit } });
}

function reserve({ cmd, cdb, lu }: CommandContext): CommandResult {
  const bad = unsupportedBit(cdb);
  if (bad !== null) return bad;
  // A reservation held by another nexus never reaches here: dispatch answered the conflict.
  lu.reservedBy = cmd.nexus.key;
  return good();
}

/** Releasing a reservation this nexus does not hold is a no-op (SPC-2 7.17.1). */
function release({ cmd, cdb, lu }: CommandContext): CommandResult {
  const bad = unsupportedBit(cdb);
  if (bad !== null) return bad;
  if (lu.reservedBy === cmd.nexus.key) lu.reservedBy = null;
  return good();
}

export const RESERVE_6 = commandRow({
  name: 'RESERVE(6)',
  opcode: 0x16,
  direction: 'none',
  mediumAccess: false,
  reservation: 'reserve-release',
  usageAfterOpcode: [0x13, 0x00, 0x00, 0x00, 0x04],
  handler: reserve,
});

export const RELEASE_6 = commandRow({
  name: 'RELEASE(6)',
  opcode: 0x17,
  direction: 'none',
  mediumAccess: false,
  reservation: 'reserve-release',
  usageAfterOpcode: [0x13, 0x00, 0x00, 0x00, 0x04],
  allowedUnderReservation: true,
  handler: release,
});
