// CONTRACT for command handlers (scsi/commands/**). One CommandSpec per opcode or service action;
// scsi/command-table.ts collects them, and dispatch plus REPORT SUPPORTED OPERATION CODES read it.
import type { ScsiCommand } from './target.js';
import type { LogicalUnit } from './logical-unit.js';
import type { SenseCode } from '../sense-tables/index.js';
import type { AtaOutputRegisters } from '../zbc/ata/signature.js';

/** Where a field pointer points (SPC-4 sense-key-specific field pointer bytes). */
export interface FieldPointer {
  readonly in: 'cdb' | 'parameter';
  /** Byte index of the field's most significant byte. */
  readonly byte: number;
  /** Most significant bit of the field within that byte, when the field is not whole bytes. */
  readonly bit?: number;
}

/** ATA registers after an ATA PASS-THROUGH command (SAT-4 12.2.2.7). */
export interface AtaStatusReturn extends AtaOutputRegisters {
  /** The command used 48-bit registers (EXTEND). */
  readonly extend: boolean;
}

export interface SenseDetails {
  readonly field?: FieldPointer;
  /** INFORMATION field (e.g. the LBA of a write-pointer violation). */
  readonly information?: number | bigint;
  /** ATA Status Return descriptor (descriptor format) or the fixed-format ATA fields. */
  readonly ata?: AtaStatusReturn;
  /**
   * Descriptor format whatever D_SENSE says: a successful CK_COND=1 pass-through, as libata
   * answers it because hdparm, hddtemp and udisks read only that format.
   */
  readonly descriptorFormat?: boolean;
}

/** A handler's answer before encoding: dispatch encodes sense once, in the LU's format. */
export type CommandResult =
  | { readonly status: 'good'; readonly dataIn?: Buffer }
  | {
      readonly status: 'check';
      readonly code: SenseCode;
      readonly details?: SenseDetails;
      /** Data moved before the CHECK CONDITION (ATA PASS-THROUGH with CK_COND=1). */
      readonly dataIn?: Buffer;
    }
  /** RESERVATION CONFLICT status (SAM-5), no sense: PERSISTENT RESERVE OUT refusals. */
  | { readonly status: 'reservation-conflict' };

export interface CommandContext {
  readonly cmd: ScsiCommand;
  readonly cdb: Buffer;
  readonly lu: LogicalUnit;
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
