// Block-access CDB builders shared by unit, model and soak tests, padded to the 16 bytes iSCSI
// carries (SBC-4 READ/WRITE/VERIFY(10), (12), (16), ZBC IN/OUT): byte 1, the LBA (or zone ID)
// from byte 2, then the length field where the CDB form puts it.

/** A CDB padded to 16 bytes, as iSCSI carries it. */
export function cdb(bytes: readonly number[]): Buffer {
  const b = Buffer.alloc(Math.max(16, bytes.length));
  Buffer.from(bytes).copy(b);
  return b;
}

const FORMS = {
  10: { lbaBytes: 4, lengthAt: 7, lengthBytes: 2 },
  12: { lbaBytes: 4, lengthAt: 6, lengthBytes: 4 },
  16: { lbaBytes: 8, lengthAt: 10, lengthBytes: 4 },
} as const;

function blockCdb(
  form: keyof typeof FORMS,
  op: number,
  lba: number | bigint,
  blocks: number,
  byte1: number,
): Buffer {
  const f = FORMS[form];
  const c = Buffer.alloc(16);
  c[0] = op;
  c[1] = byte1;
  if (f.lbaBytes === 8) c.writeBigUInt64BE(BigInt(lba), 2);
  else c.writeUInt32BE(Number(lba), 2);
  c.writeUIntBE(blocks, f.lengthAt, f.lengthBytes);
  return c;
}

/** A 10-byte block-access CDB: LBA bytes 2-5, length bytes 7-8. */
export const cdb10 = (op: number, lba: number, blocks: number, byte1 = 0): Buffer =>
  blockCdb(10, op, lba, blocks, byte1);

/** A 12-byte block-access CDB: LBA bytes 2-5, length bytes 6-9. */
export const cdb12 = (op: number, lba: number, blocks: number, byte1 = 0): Buffer =>
  blockCdb(12, op, lba, blocks, byte1);

/** A 16-byte block-access CDB: LBA (or zone ID) bytes 2-9, length bytes 10-13. */
export const cdb16 = (op: number, lba: number | bigint, blocks: number, byte1 = 0): Buffer =>
  blockCdb(16, op, lba, blocks, byte1);
