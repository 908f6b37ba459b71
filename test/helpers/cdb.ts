// Block-access CDB builders shared by unit, model and soak tests, padded to the 16 bytes iSCSI
// carries (SBC-4 READ/WRITE/VERIFY(10), (16), ZBC IN/OUT: LBA or zone ID, then a length field).

/** A 10-byte block-access CDB: LBA bytes 2-5, length bytes 7-8. */
export function cdb10(op: number, lba: number, blocks: number, byte1 = 0): Buffer {
  const c = Buffer.alloc(16);
  c[0] = op;
  c[1] = byte1;
  c.writeUInt32BE(lba, 2);
  c.writeUInt16BE(blocks, 7);
  return c;
}

/** A 16-byte block-access CDB: LBA (or zone ID) bytes 2-9, length bytes 10-13. */
export function cdb16(op: number, lba: number | bigint, blocks: number, byte1 = 0): Buffer {
  const c = Buffer.alloc(16);
  c[0] = op;
  c[1] = byte1;
  c.writeBigUInt64BE(BigInt(lba), 2);
  c.writeUInt32BE(blocks, 10);
  return c;
}
