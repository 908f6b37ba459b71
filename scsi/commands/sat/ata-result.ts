// What an ATA command handler answers, and how a SATL turns it into SCSI status (SAT-4 12.2.2):
// GOOD, or with CK_COND=1 CHECK CONDITION 1/00/1D plus the ATA Status Return descriptor; a
// command the device aborted carries the sense a SCSI device gives for the same violation
// (ZAC's sense data reporting), the ATA STATUS/ERROR registers and is kept for REQUEST SENSE
// DATA EXT.
import { SENSE, type SenseCode, SenseKey } from '../../../sense-tables/index.js';
import type { AtaOutputRegisters } from '../../../zbc/ata/signature.js';
import type { AtaStatusReturn, CommandResult } from '../../command-result.js';
import type { LogicalUnit } from '../../logical-unit.js';
import { check, good } from '../../response.js';
import type { AtaTaskFile } from './task-file.js';

export type AtaResult =
  | {
      readonly kind: 'done';
      readonly dataIn?: Buffer;
      /** Output registers that differ from the input ones (signature, COUNT, sense...). */
      readonly out?: Partial<AtaOutputRegisters>;
    }
  | {
      readonly kind: 'aborted';
      readonly code: SenseCode;
      readonly information?: number | bigint;
      /**
       * ERROR register: ABRT (04h), with IDNF (10h) for an address out of range; UNC (40h) for
       * an unrecovered read error (ACS-4 6.3: uncorrectable data, the command not aborted).
       */
      readonly error: number;
    };

const ABRT = 0x04;
const IDNF = 0x10;
const UNC = 0x40;
const UNRECOVERED_READ_ASC = 0x11; // 11h/xxh: UNRECOVERED READ ERROR and its variants
const STATUS_OK = 0x50; // DRDY, DSC: libzbc requires exactly 50h
const STATUS_ERR = 0x51; // DRDY, DSC, ERR
const SENSE_DATA_AVAILABLE = 0x02; // STATUS bit 1 with sense data reporting enabled

const DONE: AtaResult = Object.freeze({ kind: 'done' });

export function done(dataIn?: Buffer, out?: Partial<AtaOutputRegisters>): AtaResult {
  if (dataIn === undefined && out === undefined) return DONE;
  return {
    kind: 'done',
    ...(dataIn !== undefined ? { dataIn } : {}),
    ...(out !== undefined ? { out } : {}),
  };
}

/** The device does not support the command, feature or page: ABORTED COMMAND, ERROR ABRT. */
export const UNSUPPORTED: AtaResult = Object.freeze({
  kind: 'aborted',
  code: SENSE.ABORTED_COMMAND,
  error: ABRT,
});

/** The ERROR register of a device failure reported with this sense (injected ones included). */
function errorRegister(code: SenseCode): number {
  const range = SENSE.LOGICAL_BLOCK_ADDRESS_OUT_OF_RANGE;
  if (code.asc === range.asc && code.ascq === range.ascq) return ABRT | IDNF;
  if (code.key === SenseKey.MEDIUM_ERROR && code.asc === UNRECOVERED_READ_ASC) return UNC;
  return ABRT;
}

/** A SCSI helper's answer (block I/O, zone actions) as the ATA device's. */
export function fromScsi(result: CommandResult): AtaResult {
  if (result.status === 'good') return done(result.dataIn);
  if (result.status === 'reservation-conflict') return UNSUPPORTED;
  const information = result.details?.information;
  return {
    kind: 'aborted',
    code: result.code,
    ...(information !== undefined ? { information } : {}),
    error: errorRegister(result.code),
  };
}

function registers(tf: AtaTaskFile, out: Partial<AtaOutputRegisters>): AtaStatusReturn {
  return {
    extend: tf.extend,
    error: out.error ?? 0,
    count: out.count ?? tf.count,
    lba: out.lba ?? tf.lba,
    device: out.device ?? tf.device,
    status: out.status ?? STATUS_OK,
  };
}

/** The SCSI answer of the SATL for `result` of the command in `tf`. */
export function toCommandResult(
  result: AtaResult,
  tf: AtaTaskFile,
  lu: LogicalUnit,
): CommandResult {
  if (result.kind === 'done') {
    if (!tf.ckCond) return good(result.dataIn);
    const ata = registers(tf, result.out ?? {});
    const checked = check(SENSE.ATA_PASS_THROUGH_INFORMATION_AVAILABLE, {
      ata,
      descriptorFormat: true,
    });
    return result.dataIn === undefined ? checked : { ...checked, dataIn: result.dataIn };
  }
  const sata = lu.sata;
  if (sata !== undefined) sata.pendingSense = result.code;
  const status = STATUS_ERR | (sata?.senseReporting === true ? SENSE_DATA_AVAILABLE : 0);
  const ata = registers(tf, { error: result.error, status });
  return check(result.code, {
    ata,
    ...(result.information !== undefined ? { information: result.information } : {}),
  });
}
