// The storage port: bytes in, bytes out. It knows no opcode; src/storage/ implements it.

export interface BlockStore {
  readonly byteLength: number;
  /** Fills `target` from `byteOffset` (positional read). */
  readInto(target: Buffer, byteOffset: number): Promise<void>;
  /**
   * Optional fast path: fills `target` now and returns true when the store can do so cheaply
   * (memory, or a small read the page cache likely holds); false means "use readInto". Lets a
   * small READ complete without a promise per layer. Throws like readInto rejects.
   */
  readIntoSync?(target: Buffer, byteOffset: number): boolean;
  /** Writes the segments back to back from `byteOffset` (one positional writev). */
  writev(segments: readonly Buffer[], byteOffset: number): Promise<void>;
  /** Data written so far is durable when this resolves. */
  flush(): Promise<void>;
  /** Optional: releases the range (hole punch); reads of it return zeros afterwards. */
  discard?(byteOffset: number, byteLength: number): Promise<void>;
  close(): Promise<void>;
}
