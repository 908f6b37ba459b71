// ZAC data carries the ZBC layouts with every multi-byte field little-endian (ZAC 7.x): the zone
// model encodes the ZBC (big-endian) bytes, and these turn a header and its fixed-size records
// into the ZAC byte order in place, field by field.

/** A multi-byte field: [offset, length]. */
export type Field = readonly [number, number];

function reverse(out: Uint8Array, at: number, length: number): void {
  if (at + length <= out.length) out.subarray(at, at + length).reverse();
}

/** Reverses `fields` of a header and of every whole record after it. */
export function toLittleEndian(
  out: Uint8Array,
  header: { readonly bytes: number; readonly fields: readonly Field[] },
  record: { readonly bytes: number; readonly fields: readonly Field[] },
): void {
  if (out.length < header.bytes) return;
  for (const [at, length] of header.fields) reverse(out, at, length);
  for (let r = header.bytes; r + record.bytes <= out.length; r += record.bytes) {
    for (const [at, length] of record.fields) reverse(out, r + at, length);
  }
}
