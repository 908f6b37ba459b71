// Human size strings: `4MiB`, `256M`, `20TB`, `512`. Binary units (K/M/G/T/P with or without
// "iB") follow qemu-img and scsi_debug; decimal units (KB/MB/GB/TB/PB) follow drive labels, so a
// "20TB" disk has 20 x 10^12 bytes like the drives it imitates. A bare number is bytes.

const UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  k: 2 ** 10,
  kib: 2 ** 10,
  m: 2 ** 20,
  mib: 2 ** 20,
  g: 2 ** 30,
  gib: 2 ** 30,
  t: 2 ** 40,
  tib: 2 ** 40,
  p: 2 ** 50,
  pib: 2 ** 50,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  pb: 1e15,
};

const SIZE_RE = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/;

/** Bytes for a size string or number; an error message (string) when it is not one. */
export function parseSize(input: string | number): number | { error: string } {
  if (typeof input === 'number') {
    if (input > Number.MAX_SAFE_INTEGER) return { error: `too large: ${input} (less than 8 PiB)` };
    return Number.isSafeInteger(input) && input >= 0
      ? input
      : { error: `not a whole number of bytes: ${input}` };
  }
  const m = SIZE_RE.exec(input);
  const unit = UNITS[(m?.[2] ?? '').toLowerCase()];
  if (!m || unit === undefined)
    return { error: `not a size: "${input}" (examples: 4MiB, 256M, 20TB, 4096)` };
  const bytes = Number(m[1]) * unit;
  // Beyond 2^53 bytes a count is no longer exact (and above any capacity this target accepts).
  if (bytes > Number.MAX_SAFE_INTEGER) return { error: `too large: "${input}" (less than 8 PiB)` };
  if (!Number.isSafeInteger(bytes)) return { error: `not a whole number of bytes: "${input}"` };
  return bytes;
}

/** Short human form for messages: the largest exact unit (binary first, then decimal), else bytes. */
export function formatSize(bytes: number): string {
  const units = [
    ['PiB', 2 ** 50],
    ['TiB', 2 ** 40],
    ['GiB', 2 ** 30],
    ['MiB', 2 ** 20],
    ['PB', 1e15],
    ['TB', 1e12],
    ['GB', 1e9],
    ['MB', 1e6],
    ['KiB', 2 ** 10],
  ] as const;
  for (const [unit, f] of units) {
    if (bytes >= f && bytes % f === 0) return `${bytes / f} ${unit}`;
  }
  return `${bytes} bytes`;
}
