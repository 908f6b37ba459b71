// ATA strings (ACS-4 3.4.9): ASCII padded with spaces, the two characters of each word swapped.

export function putAtaString(out: Uint8Array, at: number, length: number, text: string): void {
  for (let i = 0; i < length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : 0x20;
    const printable = code >= 0x20 && code <= 0x7e ? code : 0x3f;
    out[at + (i ^ 1)] = printable;
  }
}

/** Reads an ATA string back (trailing spaces removed). */
export function readAtaString(data: Uint8Array, at: number, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += String.fromCharCode(data[at + (i ^ 1)] ?? 0x20);
  return s.trimEnd();
}
