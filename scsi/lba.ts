// The one LBA range check (SBC-4 4.5, e.g. 5.16 READ(16): "If the specified LBA exceeds the
// capacity or LBA + TRANSFER LENGTH exceeds the capacity -> LOGICAL BLOCK ADDRESS OUT OF RANGE").

/**
 * True when [lba, lba + blocks) lies inside a medium of `capacity` blocks. A zero-length access at
 * LBA = capacity is allowed (nothing is transferred and QEMU's check_lba_range accepts it), one
 * past that is not (libiscsi's BeyondEol tests send TRANSFER LENGTH 0 at capacity + 1). A bigint
 * LBA is a 64-bit value at or above 2^53, always beyond any capacity we allow, so there is no
 * overflow: `lba + blocks` of numbers stays exact below 2^53 + 2^32.
 */
export function checkLbaRange(lba: number | bigint, blocks: number, capacity: number): boolean {
  if (typeof lba === 'bigint') return false;
  return lba <= capacity && lba + blocks <= capacity;
}
