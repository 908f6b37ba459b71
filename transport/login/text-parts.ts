// A long key=value text cut into PDU-sized parts. RFC 7143 §6.1 lets a pair span PDU boundaries;
// every part but the last goes out with the C (continue) bit (§11.11.2, §11.13.2).

/** Views of `data`, each at most `maxPart` bytes; one (possibly empty) part for a short text. */
export function splitText(data: Buffer, maxPart: number): Buffer[] {
  if (data.length <= maxPart) return [data];
  const parts: Buffer[] = [];
  for (let at = 0; at < data.length; at += maxPart) parts.push(data.subarray(at, at + maxPart));
  return parts;
}
