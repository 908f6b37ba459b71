// key=value text of Login and Text PDUs, RFC 7143 §6.1: every pair ends with one NUL, keys are
// case-sensitive and at most 63 bytes, values at most 255 bytes except large binaries.
import { isUtf8 } from 'node:buffer';
import { SmartBuffer } from 'smart-buffer';
import { MAX_KEY_NAME, MAX_LARGE_VALUE_LENGTH, MAX_VALUE_LENGTH } from '../limits.js';

export type TextPair = readonly [key: string, value: string];

export type ParsedText =
  | { readonly ok: true; readonly pairs: readonly TextPair[] }
  | { readonly ok: false; readonly problem: string };

/** Keys whose values are large binaries (RFC 7143 §12.1.3). */
const LARGE_VALUE_KEYS: ReadonlySet<string> = new Set(['CHAP_C', 'CHAP_R']);
const KEY_PATTERN = /^[A-Za-z0-9.\-+@_]+$/;

/** Parses a whole (already reassembled) text; a missing final NUL or a malformed pair is a problem. */
export function parseTextPairs(text: Buffer): ParsedText {
  if (text.length === 0) return { ok: true, pairs: [] };
  if (text[text.length - 1] !== 0) return { ok: false, problem: 'text does not end with NUL' };
  // RFC 7143 §6.1: text is UTF-8. A lossy decode would turn different bytes into the same U+FFFD
  // string, so two different names could compare equal.
  if (!isUtf8(text)) return { ok: false, problem: 'text is not valid UTF-8' };
  const pairs: TextPair[] = [];
  let start = 0;
  while (start < text.length) {
    const end = text.indexOf(0, start);
    // Tolerate stray empty entries (double NULs) between pairs.
    if (end === start) {
      start++;
      continue;
    }
    const entry = text.toString('utf8', start, end);
    start = end + 1;
    const eq = entry.indexOf('=');
    if (eq <= 0) return { ok: false, problem: `malformed pair "${entry.slice(0, 40)}"` };
    const key = entry.slice(0, eq);
    const value = entry.slice(eq + 1);
    if (key.length > MAX_KEY_NAME || !KEY_PATTERN.test(key)) {
      return { ok: false, problem: `bad key name "${key.slice(0, MAX_KEY_NAME)}"` };
    }
    const max = LARGE_VALUE_KEYS.has(key) ? MAX_LARGE_VALUE_LENGTH : MAX_VALUE_LENGTH;
    if (Buffer.byteLength(value) > max)
      return { ok: false, problem: `value of ${key} longer than ${max}` };
    pairs.push([key, value]);
  }
  return { ok: true, pairs };
}

/** Encodes pairs as key=value\0 into a fresh buffer sized once (text payloads are small). */
export function encodeTextPairs(pairs: readonly TextPair[]): Buffer {
  const out = new SmartBuffer({ size: Math.max(1, encodedLength(pairs)) });
  for (const [key, value] of pairs) {
    out.writeString(key, 'utf8');
    out.writeUInt8(0x3d); // '='
    out.writeString(value, 'utf8');
    out.writeUInt8(0);
  }
  // A view of this call's own SmartBuffer, which nobody else holds.
  return out.toBuffer();
}

/** Byte length of the encoded pairs, for size checks before building. */
export function encodedLength(pairs: readonly TextPair[]): number {
  let n = 0;
  for (const [k, v] of pairs) n += Buffer.byteLength(k) + Buffer.byteLength(v) + 2;
  return n;
}
