// CHAP authentication (RFC 1994, RFC 7143 §12.1.3): MD5 only (CHAP_A=5), one-way or mutual.
// Secrets and responses are never logged. Challenges are fresh crypto.randomBytes, CHAP_I fresh
// each time; comparisons are constant-time; a mutual challenge equal to ours is refused
// (reflection, RFC 7143 §9.2.1).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { MAX_CHAP_BINARY_BYTES } from '../limits.js';
import type { TextPair } from './text-pairs.js';

export interface ChapCredentials {
  readonly user: string;
  readonly secret: string;
}

export const CHAP_MD5 = '5';
const CHALLENGE_BYTES = 16;
const MD5_BYTES = 16;

/** Decodes a CHAP binary: `0x`/`0X` even-length hex or `0b`/`0B` base64; undefined when malformed. */
export function decodeChapBinary(value: string): Buffer | undefined {
  const prefix = value.slice(0, 2);
  const body = value.slice(2);
  if (prefix === '0x' || prefix === '0X') {
    if (body.length === 0 || body.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(body))
      return undefined;
    if (body.length / 2 > MAX_CHAP_BINARY_BYTES) return undefined;
    return Buffer.from(body, 'hex');
  }
  if (prefix === '0b' || prefix === '0B') {
    if (body.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(body) || body.length % 4 !== 0)
      return undefined;
    const out = Buffer.from(body, 'base64');
    return out.length > MAX_CHAP_BINARY_BYTES ? undefined : out;
  }
  return undefined;
}

/** MD5(identifier || secret || challenge), RFC 1994 §4.1. */
export function chapMd5(identifier: number, secret: string, challenge: Buffer): Buffer {
  return createHash('md5')
    .update(Buffer.of(identifier & 0xff))
    .update(secret, 'utf8')
    .update(challenge)
    .digest();
}

export type ChapStep =
  | { readonly ok: true; readonly answers: readonly TextPair[] }
  | { readonly ok: false; readonly problem: string };

type RandomSource = (size: number) => Buffer;

/** One CHAP exchange, target side: challenge out, response checked, mutual answer out. */
export class ChapAuthenticator {
  private challenge: Buffer | undefined;
  private identifier = 0;
  private done = false;

  constructor(
    private readonly expected: ChapCredentials,
    private readonly mutual: ChapCredentials | undefined,
    private readonly random: RandomSource = randomBytes,
  ) {}

  get challengeSent(): boolean {
    return this.challenge !== undefined;
  }

  get authenticated(): boolean {
    return this.done;
  }

  /** CHAP_A=<list>: pick MD5 and send CHAP_I and CHAP_C. */
  chooseAlgorithm(list: string): ChapStep {
    if (this.challenge) return { ok: false, problem: 'CHAP_A repeated' };
    if (!list.split(',').includes(CHAP_MD5))
      return { ok: false, problem: `no acceptable CHAP_A in ${list}` };
    const bytes = this.random(CHALLENGE_BYTES + 1);
    this.identifier = bytes[0] ?? 0;
    this.challenge = Buffer.from(bytes.subarray(1));
    return {
      ok: true,
      answers: [
        ['CHAP_A', CHAP_MD5],
        ['CHAP_I', String(this.identifier)],
        ['CHAP_C', `0x${this.challenge.toString('hex')}`],
      ],
    };
  }

  /** CHAP_N / CHAP_R (and for mutual CHAP_I / CHAP_C): verify, and answer the mutual challenge. */
  verify(keys: ReadonlyMap<string, string>): ChapStep {
    if (!this.challenge || this.done)
      return { ok: false, problem: 'CHAP response out of sequence' };
    const name = keys.get('CHAP_N');
    const response = keys.get('CHAP_R');
    if (name === undefined || response === undefined)
      return { ok: false, problem: 'CHAP_N or CHAP_R missing' };
    const got = decodeChapBinary(response);
    if (!got || got.length !== MD5_BYTES) return { ok: false, problem: 'CHAP_R malformed' };
    const want = chapMd5(this.identifier, this.expected.secret, this.challenge);
    const nameOk = safeEqualStrings(name, this.expected.user);
    if (!(timingSafeEqual(got, want) && nameOk))
      return { ok: false, problem: 'CHAP response or name wrong' };
    const theirId = keys.get('CHAP_I');
    const theirChallenge = keys.get('CHAP_C');
    if (theirId === undefined && theirChallenge === undefined) {
      if (this.mutual) return { ok: false, problem: 'mutual CHAP required' };
      this.done = true;
      return { ok: true, answers: [] };
    }
    if (!this.mutual) return { ok: false, problem: 'mutual CHAP requested but not configured' };
    if (theirId === undefined || theirChallenge === undefined)
      return { ok: false, problem: 'CHAP_I or CHAP_C missing' };
    if (!/^(0|[1-9][0-9]{0,2})$/.test(theirId) || Number(theirId) > 255)
      return { ok: false, problem: 'CHAP_I outside 0..255' };
    const challenge = decodeChapBinary(theirChallenge);
    if (!challenge) return { ok: false, problem: 'CHAP_C malformed' };
    if (challenge.equals(this.challenge)) return { ok: false, problem: 'reflected CHAP challenge' };
    if (this.mutual.secret === this.expected.secret)
      return { ok: false, problem: 'same secret in both directions' };
    this.done = true;
    const answer = chapMd5(Number(theirId), this.mutual.secret, challenge);
    return {
      ok: true,
      answers: [
        ['CHAP_N', this.mutual.user],
        ['CHAP_R', `0x${answer.toString('hex')}`],
      ],
    };
  }
}

function safeEqualStrings(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}
