// Commands a stopped logical unit refuses (SBC-4 4.20.1: in the stopped power condition the
// device server terminates TEST UNIT READY and medium access commands with NOT READY, LOGICAL
// UNIT NOT READY, INITIALIZING COMMAND REQUIRED until a START STOP UNIT with START 1). INQUIRY,
// REPORT LUNS, REQUEST SENSE, MODE SENSE/SELECT, READ CAPACITY, persistent reservations and
// START STOP UNIT itself stay served, so a host can identify the LU and start it.
import type { CommandSpec } from './command-spec.js';

/** By opcode: every service action of 94h/95h (ZBC OUT/IN) reads or moves zone state. */
const MEDIUM_ACCESS_OPCODES: ReadonlySet<number> = new Set([
  0x00, // TEST UNIT READY
  0x08, // READ(6)
  0x0a, // WRITE(6)
  0x28, // READ(10)
  0x2a, // WRITE(10)
  0x2e, // WRITE AND VERIFY(10)
  0x2f, // VERIFY(10)
  0x34, // PRE-FETCH(10)
  0x35, // SYNCHRONIZE CACHE(10)
  0x41, // WRITE SAME(10)
  0x42, // UNMAP
  0x88, // READ(16)
  0x8a, // WRITE(16)
  0x89, // COMPARE AND WRITE
  0x8b, // ORWRITE(16)
  0x8e, // WRITE AND VERIFY(16)
  0x8f, // VERIFY(16)
  0x90, // PRE-FETCH(16)
  0x91, // SYNCHRONIZE CACHE(16)
  0x93, // WRITE SAME(16)
  0x94, // ZBC OUT
  0x95, // ZBC IN
  0xa8, // READ(12)
  0xaa, // WRITE(12)
  0xae, // WRITE AND VERIFY(12)
  0xaf, // VERIFY(12)
]);

/** 9Eh service actions that access the medium: GET LBA STATUS (12h), not READ CAPACITY(16). */
const GET_LBA_STATUS_SA = 0x12;

export function accessesMedium(spec: CommandSpec): boolean {
  if (spec.opcode === 0x9e) return spec.serviceAction === GET_LBA_STATUS_SA;
  return MEDIUM_ACCESS_OPCODES.has(spec.opcode);
}
