// iSCSI names (RFC 7143 §4.2.7, RFC 3722): the three formats, the characters a name may hold after
// the stringprep profile, and the 223-byte limit. Names are compared in that profile's output form
// (case-folded, NFKC), so "…:Host" and "…:host" are one name, as RFC 3722 makes them; QEMU, for
// one, puts the VM name into its InitiatorName as given.
import { MAX_NAME_LENGTH } from '../limits.js';

/** RFC 7143 §4.2.7.4: type designator and the shape of what follows it. */
interface NameFormat {
  readonly prefix: string;
  readonly body: RegExp;
  readonly shape: string;
}
const FORMATS: readonly NameFormat[] = [
  // iqn.yyyy-mm.reversed.domain[:anything]
  {
    prefix: 'iqn.',
    body: /^[0-9]{4}-(0[1-9]|1[0-2])\.[a-z0-9]/u,
    shape: 'iqn.yyyy-mm.<domain>[:<name>]',
  },
  { prefix: 'eui.', body: /^[0-9A-Fa-f]{16}$/, shape: 'eui.<16 hex digits>' },
  {
    prefix: 'naa.',
    body: /^([0-9A-Fa-f]{16}|[0-9A-Fa-f]{32})$/,
    shape: 'naa.<16 or 32 hex digits>',
  },
];

/**
 * RFC 3722 §6: after the profile only ASCII '-', '.', ':', lowercase letters and digits remain;
 * other characters must be letters, marks or digits (the profile's prohibited tables take out
 * spaces, controls, private use and symbols).
 */
const ALLOWED = /^[-.:a-z0-9\p{L}\p{M}\p{N}]*$/u;

/** The RFC 3722 output form of a name: NFKC, case-folded. Identity and ACLs compare this. */
export function normalizeIscsiName(name: string): string {
  return name.normalize('NFKC').toLowerCase();
}

/** Why `name` is not a valid iSCSI name, or undefined when it is one. */
export function iscsiNameProblem(name: string): string | undefined {
  const normal = normalizeIscsiName(name);
  const bytes = Math.max(Buffer.byteLength(name), Buffer.byteLength(normal));
  if (bytes > MAX_NAME_LENGTH) return `longer than ${MAX_NAME_LENGTH} bytes`;
  const format = FORMATS.find((f) => normal.startsWith(f.prefix));
  if (!format) return 'not an iqn., eui. or naa. name';
  const body = name.slice(format.prefix.length);
  if (!format.body.test(format.prefix === 'iqn.' ? normal.slice(4) : body)) {
    return `not of the form ${format.shape}`;
  }
  if (format.prefix === 'iqn.' && !ALLOWED.test(normal)) {
    return 'holds a character that RFC 3722 does not allow';
  }
  return undefined;
}
