// Handler answers as plain values: GOOD (optionally with data) or CHECK CONDITION with a named
// sense code. dispatch.ts encodes the sense once, in the LU's format.
import type { SenseCode } from '../sense-tables/index.js';
import type { CommandResult, SenseDetails } from './command-result.js';

export type GoodResult = Extract<CommandResult, { status: 'good' }>;
export type CheckResult = Extract<CommandResult, { status: 'check' }>;

const GOOD_NO_DATA: GoodResult = Object.freeze({ status: 'good' });

export function good(data?: Buffer): GoodResult {
  return data === undefined ? GOOD_NO_DATA : { status: 'good', dataIn: data };
}

export function check(code: SenseCode, details?: SenseDetails): CheckResult {
  return details === undefined ? { status: 'check', code } : { status: 'check', code, details };
}

/**
 * An emulated response: `size` zeroed bytes (reserved fields read as zero), filled by `encode`
 * with length fields stating the full length, then cut to the allocation length (SPC-4 4.2.5.6:
 * truncation is not an error).
 */
export function dataIn(
  size: number,
  allocationLength: number,
  encode: (out: Buffer) => void,
): GoodResult {
  const out = Buffer.alloc(size);
  encode(out);
  return good(out.subarray(0, Math.min(size, allocationLength)));
}

export type ConflictResult = Extract<CommandResult, { status: 'reservation-conflict' }>;

const CONFLICT: ConflictResult = Object.freeze({ status: 'reservation-conflict' });

/** RESERVATION CONFLICT status (SPC-4 5.13): no sense data. */
export function reservationConflict(): ConflictResult {
  return CONFLICT;
}
