// Short Data-Out parameter lists (MODE SELECT, UNMAP, VERIFY compare data) gathered into one
// buffer. This copies, so it is only for bounded control data, never for WRITE payloads.

/** Copies at most `length` bytes of the Data-Out; the result is shorter if less arrived. */
export function copyParameterData(segments: readonly Buffer[], length: number): Buffer {
  const out = Buffer.alloc(length);
  let at = 0;
  for (const s of segments) {
    if (at >= length) break;
    at += s.copy(out, at, 0, Math.min(s.length, length - at));
  }
  return out.subarray(0, at);
}
