// Small statistics for interleaved benchmark rounds: medians resist one disturbed round, and the
// spread ((max - min) / median) tells the reader how far to trust a ratio.

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** (max - min) / median, as a fraction; 0 for a single value, NaN for none. */
export function spread(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const m = median(values);
  if (m === 0) return 0;
  return (Math.max(...values) - Math.min(...values)) / Math.abs(m);
}

/** a / b, NaN when either side is missing or b is 0. */
export function ratio(a: number, b: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return Number.NaN;
  return a / b;
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const shift = by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

/**
 * The order in which targets run in round `round`: items[round mod n] goes first, and every other
 * round runs backwards, so no target always runs first (cold or warm) or after the same neighbour.
 */
export function roundOrder<T>(items: readonly T[], round: number): T[] {
  if (items.length === 0) return [];
  return round % 2 === 1 ? rotate(items, round + 1).reverse() : rotate(items, round);
}
