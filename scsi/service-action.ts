// Where a CDB keeps its service action: byte 1 bits 4:0, or bytes 8-9 of a variable-length CDB
// (SPC-4 4.2.3). The command table keys rows by it, dispatch and RSOC read it.

/** The variable-length CDB's opcode (SPC-4 4.2.3). */
export const VARIABLE_LENGTH = 0x7f;

/** The bits a service action of this opcode has: 16 for 7Fh (SPC-4 4.2.3), else 5. */
export function serviceActionMask(opcode: number): number {
  return opcode === VARIABLE_LENGTH ? 0xffff : 0x1f;
}

/**
 * The service action field of a CDB: byte 1 bits 4:0, or bytes 8-9 of a variable-length CDB
 * (SPC-4 4.2.3; 0 when the CDB is too short to hold it). Commands without one ignore it.
 */
export function serviceActionOf(cdb: Buffer): number {
  if (cdb[0] !== VARIABLE_LENGTH) return (cdb[1] ?? 0) & 0x1f;
  return cdb.length >= 10 ? cdb.readUInt16BE(8) : 0;
}

/** Where the SERVICE ACTION field is, for the field pointer of an unknown one. */
export function serviceActionField(opcode: number): { byte: number; bit?: number } {
  return opcode === VARIABLE_LENGTH ? { byte: 8 } : { byte: 1, bit: 4 };
}
