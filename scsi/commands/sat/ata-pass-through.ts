// ATA PASS-THROUGH (16) 85h, (12) A1h and (32) 7Fh/1FF0h on SATA LUs (SAT-4 12.2): the CDB is
// checked as libata checks it (PROTOCOL, MULTIPLE_COUNT, T_LENGTH against the data phase, the
// commands it filters), then against the ATA command's row (protocol, T_DIR, the register
// holding the length); refusals are 5/24/00 with the field pointer. Then the row runs.
import { SENSE, type SenseCode } from '../../../sense-tables/index.js';
import type { CommandResult } from '../../command-result.js';
import { type CommandContext, commandRow } from '../../command-spec.js';
import type { CommandClassification } from '../../ports/command-hook.js';
import { check } from '../../response.js';
import { ataDevice } from './ata-device.js';
import type { AtaCommandRow } from './ata-command-row.js';
import { ATA_COMMAND_TABLE } from './ata-command-table.js';
import { fromScsi, toCommandResult, UNSUPPORTED } from './ata-result.js';
import { type AtaTaskFile, decodeTaskFile, FIELD_BYTES, Protocol as P } from './task-file.js';

/** Protocols a SATL passes on (SAT-4 table 131); 8 only for EXECUTE DEVICE DIAGNOSTIC. */
const PASSED_PROTOCOLS = new Set<number>([
  P.NON_DATA,
  P.PIO_DATA_IN,
  P.PIO_DATA_OUT,
  P.DMA,
  P.EXECUTE_DEVICE_DIAGNOSTIC,
  P.UDMA_DATA_IN,
  P.UDMA_DATA_OUT,
  P.FPDMA,
]);
const DATA_IN_PROTOCOLS = new Set<number>([P.PIO_DATA_IN, P.DMA, P.UDMA_DATA_IN, P.FPDMA]);
const DATA_OUT_PROTOCOLS = new Set<number>([P.PIO_DATA_OUT, P.DMA, P.UDMA_DATA_OUT, P.FPDMA]);

const SET_FEATURES = 0xef;
const EXECUTE_DEVICE_DIAGNOSTIC = 0x90;
const SET_TRANSFER_MODE = 0x03;
/** TRUSTED commands libata filters (5Ch-5Fh). */
const isTrusted = (command: number): boolean => command >= 0x5c && command <= 0x5f;

const T_LENGTH_FEATURES = 1;
const T_LENGTH_COUNT = 2;
const T_LENGTH_STPSIU = 3;

const invalid = (byte: number): CommandResult =>
  check(SENSE.INVALID_FIELD_IN_CDB, { field: { in: 'cdb', byte } });

/** Checks that hold for any ATA command (libata's ata_scsi_pass_thru). */
function cdbProblem(tf: AtaTaskFile, expectedDataLength: number): CommandResult | null {
  const fields = FIELD_BYTES[tf.form];
  if (!PASSED_PROTOCOLS.has(tf.protocol)) return invalid(fields.protocol);
  if (tf.multipleCount !== 0) return invalid(fields.protocol); // no READ/WRITE MULTIPLE here
  // Protocol 8 is the EXECUTE DEVICE DIAGNOSTIC protocol (SAT-4 table 131): with any other
  // command, known or not, the CDB is wrong, not the device (libata refuses 8 for every command).
  if (tf.protocol === P.EXECUTE_DEVICE_DIAGNOSTIC && tf.command !== EXECUTE_DEVICE_DIAGNOSTIC) {
    return invalid(fields.protocol);
  }
  if (tf.tLength === 0 && expectedDataLength > 0) return invalid(fields.flags);
  if (tf.command === SET_FEATURES && (tf.features & 0xff) === SET_TRANSFER_MODE) {
    return invalid(fields.features);
  }
  if (isTrusted(tf.command)) return invalid(fields.command);
  return null;
}

/** The CDB against the command's row: protocol, direction and where the length is. */
function rowProblem(
  tf: AtaTaskFile,
  row: AtaCommandRow,
  expectedDataLength: number,
): CommandResult | null {
  const { protocol, flags } = FIELD_BYTES[tf.form];
  if (!row.protocols.includes(tf.protocol)) return invalid(protocol);
  if (row.direction === 'none') return expectedDataLength > 0 ? invalid(flags) : null;
  const protocols = row.direction === 'in' ? DATA_IN_PROTOCOLS : DATA_OUT_PROTOCOLS;
  if (!protocols.has(tf.protocol)) return invalid(protocol);
  if (tf.toHost !== (row.direction === 'in') || tf.tLength === 0) return invalid(flags);
  if (tf.tLength === T_LENGTH_STPSIU) return null;
  const wanted = row.lengthIn === 'features' ? T_LENGTH_FEATURES : T_LENGTH_COUNT;
  if (tf.tLength !== wanted) return invalid(flags);
  // BYTE_BLOCK 0: the register counts bytes, which must then be the command's own byte count.
  if (!tf.byteBlock) {
    const register = tf.tLength === T_LENGTH_COUNT ? tf.count : tf.features;
    if (register !== (row.bytes?.(tf, 512) ?? 0)) return invalid(flags);
  }
  return null;
}

function passThrough(ctx: CommandContext, tf: AtaTaskFile): CommandResult | Promise<CommandResult> {
  const { cdb, lu, cmd } = ctx;
  const dev = ataDevice(lu);
  if (dev === undefined) return check(SENSE.INVALID_COMMAND_OPERATION_CODE);
  const refused = cdbProblem(tf, cmd.expectedDataLength);
  if (refused !== null) return refused;
  const row = ATA_COMMAND_TABLE.lookup(tf.command, tf.features);
  if (row === undefined) return toCommandResult(UNSUPPORTED, tf, lu);
  const mismatch = rowProblem(tf, row, cmd.expectedDataLength);
  if (mismatch !== null) return mismatch;
  const absent =
    (row.zonedOnly === true && lu.zones === undefined) ||
    (row.domainsOnly === true && lu.zones?.domains === undefined);
  if (absent) return toCommandResult(UNSUPPORTED, tf, lu);
  const result = row.handler({ tf, lu, dev, cmd, cdb, scsi: ctx });
  if (result instanceof Promise) return result.then((r) => toCommandResult(r, tf, lu));
  return toCommandResult(result, tf, lu);
}

/** Data-out bytes the ATA command moves (for residuals), 0 when it moves none out. */
function dataOutLength(_cdb: Buffer, tf: AtaTaskFile, blockSize: number): number {
  const row = ATA_COMMAND_TABLE.lookup(tf.command, tf.features);
  return row?.direction === 'out' ? (row.bytes?.(tf, blockSize) ?? 0) : 0;
}

/**
 * The hook's view of the ATA command inside: its SCSI counterpart's class and LBA range, so
 * fault rules, metrics and latency classes treat WRITE DMA EXT as WRITE(16), ZAC MANAGEMENT OUT
 * as ZBC OUT. A command the device would abort is 'other', without a range.
 */
function classify(_cdb: Buffer, tf: AtaTaskFile): CommandClassification {
  const row = ATA_COMMAND_TABLE.lookup(tf.command, tf.features);
  if (row === undefined) return { commandClass: 'other', lba: -1, blocks: 0 };
  const span = row.span?.(tf);
  return {
    commandClass: row.commandClass ?? 'other',
    lba: span === undefined ? -1 : Number(span.lba),
    blocks: span?.blocks ?? 0,
    ata: row,
  };
}

/** An injected error as the device's failure of the command: sense plus ATA registers. */
function injectedCheck(
  ctx: CommandContext,
  tf: AtaTaskFile,
  code: SenseCode,
  information: number | undefined,
): CommandResult {
  const failure = check(code, information === undefined ? undefined : { information });
  return toCommandResult(fromScsi(failure), tf, ctx.lu);
}

const ff = (n: number): number[] => new Array<number>(n).fill(0xff);

/**
 * What the three forms share. The ATA command inside may write: judged as a write under
 * persistent reservations. The task file is decoded once, for the data length and the handler.
 */
const passThroughRow = {
  direction: 'either',
  mediumAccess: false,
  reservation: 'write',
  sataOnly: true,
  decode: decodeTaskFile,
  dataOutLength,
  classify,
  injectedCheck,
  handler: passThrough,
} as const;

export const ATA_PASS_THROUGH_16 = commandRow({
  ...passThroughRow,
  name: 'ATA PASS-THROUGH(16)',
  opcode: 0x85,
  usageAfterOpcode: [0xff, 0x3f, ...ff(12), 0x04], // byte 1: MULTIPLE_COUNT, PROTOCOL, EXTEND
});

export const ATA_PASS_THROUGH_12 = commandRow({
  ...passThroughRow,
  name: 'ATA PASS-THROUGH(12)',
  opcode: 0xa1,
  usageAfterOpcode: [0xfe, 0x3f, ...ff(6), 0xff, 0x00, 0x04], // byte 1: MULTIPLE_COUNT, PROTOCOL
});

/**
 * The (32) form (SAT-4 12.2.4): registers big-endian, with ICC and AUXILIARY; CONTROL is byte 1
 * of the variable-length CDB. Served by the same checks and ATA rows as (16).
 */
export const ATA_PASS_THROUGH_32 = commandRow({
  ...passThroughRow,
  name: 'ATA PASS-THROUGH(32)',
  opcode: 0x7f,
  serviceAction: 0x1ff0,
  usageAfterOpcode: [
    0x04, // CONTROL
    ...new Array<number>(5).fill(0),
    0xff, // ADDITIONAL CDB LENGTH
    0xff, // SERVICE ACTION (RSOC writes it)
    0xff,
    0xff, // MULTIPLE_COUNT, PROTOCOL, EXTEND
    0x3f, // CK_COND, T_TYPE, T_DIR, BYTE_BLOCK, T_LENGTH
    0,
    0,
    ...ff(12), // LBA, FEATURES, COUNT, DEVICE, COMMAND
    0,
    ...ff(5), // ICC, AUXILIARY
  ],
});
