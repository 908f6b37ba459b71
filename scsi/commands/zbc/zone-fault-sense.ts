// Zone faults (zbc/types.ts ZoneFault) to sense: one row per kind, so the compiler rejects a
// missing kind (docs/architecture.md). Codes: ZBC-2; field pointers: SPC-5 sense key specific data.
import { SENSE, type SenseCode } from '../../../sense-tables/index.js';
import type { ZoneFault } from '../../../zbc/types.js';
import type { CommandResult, FieldPointer, SenseDetails } from '../../command-result.js';
import { check } from '../../response.js';

type FaultOf<K extends ZoneFault['kind']> = Extract<ZoneFault, { kind: K }>;

export interface FaultSense<K extends ZoneFault['kind']> {
  readonly code: SenseCode;
  /** Sense details for this fault and the CDB it refused. */
  readonly details: (fault: FaultOf<K>, cdb: Buffer) => SenseDetails | undefined;
}

const none = (): undefined => undefined;
/** INFORMATION = the LBA the request named (SBC-4 4.18.x write-pointer errors). */
const atLba = (fault: { readonly lba: number }): SenseDetails => ({ information: fault.lba });
const cdbField = (byte: number, bit?: number): (() => SenseDetails) => {
  const field: FieldPointer = bit === undefined ? { in: 'cdb', byte } : { in: 'cdb', byte, bit };
  return () => ({ field });
};

/**
 * Where the LOGICAL BLOCK ADDRESS field of a block-access CDB starts (SBC-4 CDB formats):
 * 6-byte CDBs hold a 21-bit LBA from byte 1 bit 4, 10/12/16-byte CDBs from byte 2, the 32-byte
 * variable-length CDB (7Fh) from byte 12.
 */
export function lbaFieldPointer(cdb: Buffer): FieldPointer {
  const opcode = cdb[0] ?? 0;
  if (opcode === 0x7f) return { in: 'cdb', byte: 12 };
  if (opcode >> 5 === 0) return { in: 'cdb', byte: 1, bit: 4 };
  return { in: 'cdb', byte: 2 };
}

export const ZONE_FAULT_SENSE: { readonly [K in ZoneFault['kind']]: FaultSense<K> } = {
  'unaligned-write': { code: SENSE.UNALIGNED_WRITE_COMMAND, details: atLba }, // 5/21/04
  'write-boundary': { code: SENSE.WRITE_BOUNDARY_VIOLATION, details: atLba }, // 5/21/05
  // 5/24/00 with the field pointer on the CDB's LBA field (ZBC-2 recommends it).
  'write-to-full-zone': {
    code: SENSE.INVALID_FIELD_IN_CDB,
    details: (fault, cdb) => ({ information: fault.lba, field: lbaFieldPointer(cdb) }),
  },
  'insufficient-zone-resources': { code: SENSE.INSUFFICIENT_ZONE_RESOURCES, details: none }, // 7/55/0E
  'zone-read-only': { code: SENSE.ZONE_IS_READ_ONLY, details: atLba }, // 7/27/08
  'zone-offline': { code: SENSE.ZONE_IS_OFFLINE, details: atLba }, // 7/2C/0E
  'zone-inactive': { code: SENSE.ZONE_IS_INACTIVE, details: atLba }, // 7/2C/12
  'read-boundary': { code: SENSE.READ_BOUNDARY_VIOLATION, details: atLba }, // 5/21/07
  'read-invalid-data': { code: SENSE.ATTEMPT_TO_READ_INVALID_DATA, details: atLba }, // 5/21/06
  'gap-zone-access': { code: SENSE.ATTEMPT_TO_ACCESS_GAP_ZONE, details: atLba }, // 5/21/09
  'zone-id-out-of-range': { code: SENSE.LOGICAL_BLOCK_ADDRESS_OUT_OF_RANGE, details: none }, // 5/21/00
  'invalid-zone-id': { code: SENSE.INVALID_FIELD_IN_CDB, details: cdbField(2) }, // ZONE ID, ZBC OUT byte 2
  'invalid-zone-count': { code: SENSE.INVALID_FIELD_IN_CDB, details: cdbField(12) }, // ZONE COUNT
  'invalid-reporting-option': { code: SENSE.INVALID_FIELD_IN_CDB, details: cdbField(14, 5) }, // REPORTING OPTIONS
};

/** The CHECK CONDITION for a refused zone request. */
export function zoneFaultResult(fault: ZoneFault, cdb: Buffer): CommandResult {
  const row = ZONE_FAULT_SENSE[fault.kind] as FaultSense<ZoneFault['kind']>;
  return check(row.code, row.details(fault as never, cdb));
}
