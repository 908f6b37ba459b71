// Serial number arithmetic for CmdSN, StatSN, DataSN (RFC 1982 with SERIAL_BITS = 32, RFC 7143 §4.2.2.1).

/** a < b serially. */
export function serialLt(a: number, b: number): boolean {
  return a !== b && (b - a) >>> 0 < 0x8000_0000;
}

/** a <= b serially. */
export function serialLe(a: number, b: number): boolean {
  return a === b || serialLt(a, b);
}

/** a + n modulo 2^32. */
export function serialAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}

/** Inside [lo, hi] serially. */
export function serialInRange(x: number, lo: number, hi: number): boolean {
  return serialLe(lo, x) && serialLe(x, hi);
}
