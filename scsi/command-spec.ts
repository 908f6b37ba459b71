// CONTRACT for command handlers (scsi/commands/**). One CommandSpec per opcode or service action;
// scsi/command-table.ts collects them, and dispatch plus REPORT SUPPORTED OPERATION CODES read it.
import type { CommandResult } from './command-result.js';
import type { LogicalUnit } from './logical-unit.js';
import type { ScsiCommand } from './target.js';

export interface CommandContext {
  readonly cmd: ScsiCommand;
  readonly cdb: Buffer;
  readonly lu: LogicalUnit;
  /** The table dispatch looked the command up in (REPORT SUPPORTED OPERATION CODES lists it). */
  readonly commands: CommandTable;
}

export type CommandHandler = (ctx: CommandContext) => CommandResult | Promise<CommandResult>;

export interface CommandSpec {
  readonly name: string;
  readonly opcode: number;
  /** For opcodes with service actions (9Eh, A3h, 94h, 95h...): CDB byte 1 bits 4:0. */
  readonly serviceAction?: number;
  readonly cdbLength: number;
  /** 'either': the direction is in the CDB (ATA PASS-THROUGH T_DIR). */
  readonly direction: 'none' | 'in' | 'out' | 'either';
  /**
   * CDB USAGE DATA for REPORT SUPPORTED OPERATION CODES: cdbLength bytes, byte 0 the opcode,
   * then the bits the device server examines (SPC-4 6.35.3).
   */
  readonly usage: readonly number[];
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
  /**
   * Data-out commands: the bytes the CDB asks for (SPDTL: transfer length x block size, or the
   * parameter list length). Dispatch puts it in every outcome so the transport reports residuals.
   */
  readonly dataOutLength?: (cdb: Buffer, blockSize: number) => number;
  readonly handler: CommandHandler;
}

export type Lookup =
  | { readonly kind: 'found'; readonly spec: CommandSpec }
  | { readonly kind: 'unknown-opcode' }
  | { readonly kind: 'unknown-service-action' };

/** The table of every supported command (built by scsi/command-table.ts). */
export interface CommandTable {
  /** Every spec, ordered by opcode then service action. */
  readonly all: readonly CommandSpec[];
  lookup(opcode: number, serviceAction: number): Lookup;
  /** True when the opcode's commands are told apart by a service action. */
  hasServiceActions(opcode: number): boolean;
}
