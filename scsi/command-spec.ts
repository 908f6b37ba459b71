// CONTRACT for command handlers (scsi/commands/**). One row per opcode or service action says
// everything dispatch needs (tgt's ops[] flags): CDB layout and usage data, data direction and
// length, medium access, reservation class, whether it is served without a LUN, the decoder and
// the handler. scsi/command-table.ts collects the rows; dispatch and REPORT SUPPORTED OPERATION
// CODES read them.
import type { CommandResult } from './command-result.js';
import type { LogicalUnit, TargetInfo } from './logical-unit.js';
import type { PrAccess } from './persistent-reservations.js';
import type { SenseCode } from '../sense-tables/index.js';
import type { CommandClass, CommandClassification } from './ports/command-hook.js';
import type { ScsiCommand } from './target-contract.js';

/** What a command sees when its LUN is not mapped: the command and its target. */
export interface TargetContext {
  readonly cmd: ScsiCommand;
  /** The CDB cut to the row's cdbLength. */
  readonly cdb: Buffer;
  readonly target: TargetInfo;
  /** The table dispatch looked the command up in (REPORT SUPPORTED OPERATION CODES lists it). */
  readonly commands: CommandTable;
}

export interface CommandContext extends TargetContext {
  readonly lu: LogicalUnit;
}

/**
 * One command. `F` is what `decode` makes of the CDB: dispatch decodes once and hands the
 * result to `dataOutLength` and `handler` (undefined for rows that read the CDB themselves).
 * Methods, not function properties, so a row of any `F` fits the table's CommandSpec.
 */
export interface CommandSpec<F = unknown> {
  readonly name: string;
  readonly opcode: number;
  /**
   * For opcodes with service actions (9Eh, A3h, 94h, 95h...): CDB byte 1 bits 4:0; for the
   * variable-length 7Fh, bytes 8-9.
   */
  readonly serviceAction?: number;
  readonly cdbLength: number;
  /** 'either': the direction is in the CDB (ATA PASS-THROUGH T_DIR). */
  readonly direction: 'none' | 'in' | 'out' | 'either';
  /**
   * CDB USAGE DATA for REPORT SUPPORTED OPERATION CODES: cdbLength bytes, byte 0 the opcode,
   * then the bits the device server examines (SPC-4 6.35.3).
   */
  readonly usage: readonly number[];
  /**
   * Refused while the LU is stopped (SBC-4 4.20.1: TEST UNIT READY and medium access commands
   * answer NOT READY, LOGICAL UNIT NOT READY, INITIALIZING COMMAND REQUIRED until START 1).
   */
  readonly mediumAccess: boolean;
  /** How it meets a persistent reservation held by another I_T nexus. */
  readonly reservation: PrAccess;
  /** Allowed while a unit attention is pending (INQUIRY, REPORT LUNS, REQUEST SENSE). */
  readonly skipsUnitAttention?: boolean;
  /**
   * Allowed while another I_T nexus holds an SPC-2 reservation (INQUIRY, REPORT LUNS, REQUEST
   * SENSE, RELEASE); every other command then ends in RESERVATION CONFLICT.
   */
  readonly allowedUnderReservation?: boolean;
  /** Only on zoned LUs (ZBC IN/OUT); others answer INVALID COMMAND OPERATION CODE. */
  readonly zonedOnly?: boolean;
  /** Only on zone domains LUs (REPORT REALMS, ZONE ACTIVATE...); others answer as unknown. */
  readonly domainsOnly?: boolean;
  /** Only on SATA LUs (ATA PASS-THROUGH); SAS LUs answer INVALID COMMAND OPERATION CODE. */
  readonly sataOnly?: boolean;
  /** Only on non-zoned LUs (UNMAP: ZBC-2, no provisioning); zoned ones answer 5/20/00. */
  readonly unzonedOnly?: boolean;
  /** The family a command hook matches on (fault rules, latency histograms); absent: 'other'. */
  readonly commandClass?: Exclude<CommandClass, 'other'>;
  /**
   * The LBA range the CDB names, for a command hook's view (a zone operation: its ZONE ID and
   * no blocks). Read only while a hook is armed.
   */
  span?(cdb: Buffer): LbaSpan;
  /**
   * For rows whose family depends on more than the opcode (ATA PASS-THROUGH: the ATA command
   * inside): class, range and ATA command from the decoded fields, in place of commandClass and
   * span. Called only while a hook is armed.
   */
  classify?(cdb: Buffer, fields: F): CommandClassification;
  /**
   * How this command reports a hook's injected sense (ATA PASS-THROUGH: with the ATA registers
   * of a failed command, SAT-4 12.2.2); absent: CHECK CONDITION with that sense.
   */
  injectedCheck?(
    ctx: CommandContext,
    fields: F,
    code: SenseCode,
    information: number | undefined,
  ): CommandResult;
  /** The CDB's fields, read once (the CDB is at least cdbLength bytes). */
  decode?(cdb: Buffer): F;
  /**
   * Data-out commands: the bytes the CDB asks for (SPDTL: transfer length x block size, or the
   * parameter list length). Dispatch puts it in every outcome so the transport reports residuals.
   */
  dataOutLength?(cdb: Buffer, fields: F, blockSize: number): number;
  handler(ctx: CommandContext, fields: F): CommandResult | Promise<CommandResult>;
  /**
   * The answer when the LUN is not mapped (SPC-4 4.6.4: INQUIRY, REPORT LUNS, REQUEST SENSE);
   * rows without it answer LOGICAL UNIT NOT SUPPORTED there.
   */
  withoutLu?(ctx: TargetContext): CommandResult;
}

/** First LBA and block count a CDB names; a bigint LBA is at or above 2^53. */
export interface LbaSpan {
  readonly lba: number | bigint;
  readonly blocks: number;
}

/** A row as written in a command file: usage data after the opcode, the length follows from it. */
export type CommandRow<F> = Omit<CommandSpec<F>, 'cdbLength' | 'usage'> & {
  /** CDB USAGE DATA bytes 1 to n-1 (SPC-4 6.35.3); byte 0 is the opcode. */
  readonly usageAfterOpcode: readonly number[];
};

/** The CommandSpec of a row: the opcode written once, the CDB length counted from the usage. */
export function commandRow<F = undefined>(row: CommandRow<F>): CommandSpec<F> {
  const { usageAfterOpcode, ...rest } = row;
  return {
    ...rest,
    cdbLength: usageAfterOpcode.length + 1,
    usage: [row.opcode, ...usageAfterOpcode],
  };
}

export type CommandHandler<F = unknown> = CommandSpec<F>['handler'];

export type Lookup =
  | { readonly kind: 'found'; readonly spec: CommandSpec }
  | { readonly kind: 'unknown-opcode' }
  | { readonly kind: 'unknown-service-action' };

/** The table of every supported command (built by scsi/command-table.ts). */
export interface CommandTable {
  /** Every spec, ordered by opcode then service action. */
  readonly all: readonly CommandSpec[];
  /** The row for an opcode and the CDB's service action (serviceActionOf in command-table.ts). */
  lookup(opcode: number, serviceAction: number): Lookup;
  /** True when the opcode's commands are told apart by a service action. */
  hasServiceActions(opcode: number): boolean;
}
