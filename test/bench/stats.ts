// Small statistics for interleaved benchmark rounds: medians resist one disturbed round, and the
// spread ((max - min) / median) tells the reader how far to trust a ratio.

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
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

/**
 * The order in which targets run in round `round`: rotated by one each round and reversed every
 * other round, so no target always runs first (warm caches) or right after the same neighbour.
 */
export function roundOrder<T>(items: readonly T[], round: number): T[] {
  const n = items.length;
  if (n === 0) return [];
  const shift = round % n;
  const rotated = [...items.slice(shift), ...items.slice(0, shift)];
  return round % 2 === 1 ? rotated.reverse() : rotated;
}
