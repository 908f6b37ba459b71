// What a handler answers, before dispatch encodes it: GOOD with optional Data-In, CHECK CONDITION
// with a named sense code and details, or RESERVATION CONFLICT. A leaf module: the command table,
// the handlers and the sense encoder all use these types, and it imports none of them.
import type { SenseCode } from '../sense-tables/index.js';
import type { AtaOutputRegisters } from '../zbc/ata/signature.js';
import type { Result } from '../zbc/result.js';

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

/**
 * A step of a command that may end it (block access checks, zone rules, store I/O): ok with its
 * value, or the result that answers the command.
 */
export type Step<T> = Result<T, CommandResult>;
