// The storage port: bytes in, bytes out. It knows no opcode; src/storage/ implements it.

export interface BlockStore {
  readonly byteLength: number;
  /** Fills `target` from `byteOffset` (positional read). */
  readInto(target: Buffer, byteOffset: number): Promise<void>;
  /** Writes the segments back to back from `byteOffset` (one positional writev). */
  writev(segments: readonly Buffer[], byteOffset: number): Promise<void>;
  /** Data written so far is durable when this resolves. */
  flush(): Promise<void>;
  /** Optional: releases the range (hole punch); reads of it return zeros afterwards. */
  discard?(byteOffset: number, byteLength: number): Promise<void>;
  close(): Promise<void>;
}
