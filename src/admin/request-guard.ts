// Who may use the control server. Loopback needs no credentials; with a token (required off
// loopback) every request carries `Authorization: Bearer <token>` (or `?token=` on GET, which
// a browser's page load and EventSource cannot avoid). State-changing requests refuse other
// origins (Sec-Fetch-Site, Origin) so a web page cannot drive the target through the user's
// browser, and a loopback server answers only loopback host names (DNS rebinding).
import { timingSafeEqual } from 'node:crypto';

export interface GuardPolicy {
  /** Required bearer token, or undefined for none (loopback only). */
  readonly token: string | undefined;
  /** The server listens on loopback: the Host header must name loopback too. */
  readonly loopback: boolean;
}

export interface GuardedRequest {
  readonly method: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The `token` query parameter, if any. */
  readonly queryToken: string | undefined;
}

export interface Refusal {
  readonly status: 401 | 403 | 421;
  readonly error: string;
}

const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    h === 'localhost' ||
    h === '::1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) ||
    h === '::ffff:127.0.0.1'
  );
}

function header(req: GuardedRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Host name of a Host header value (`name:port`, `[v6]:port`). */
function hostName(hostHeader: string): string {
  const m = /^(\[[^\]]+\]|[^:]+)(?::\d+)?$/.exec(hostHeader.trim());
  return m?.[1] ?? hostHeader;
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function refusal(req: GuardedRequest, policy: GuardPolicy): Refusal | null {
  const host = header(req, 'host') ?? '';
  if (policy.loopback && !isLoopbackHost(hostName(host))) {
    return { status: 421, error: `host "${host}" is not a loopback name` };
  }
  if (policy.token !== undefined) {
    const auth = header(req, 'authorization');
    const bearer = auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
    const given = bearer ?? (SAFE_METHODS.has(req.method) ? req.queryToken : undefined);
    if (given === undefined) return { status: 401, error: 'a bearer token is required' };
    if (!sameToken(given, policy.token)) return { status: 401, error: 'wrong token' };
  }
  if (SAFE_METHODS.has(req.method)) return null;
  const site = header(req, 'sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    return { status: 403, error: `cross-origin request refused (Sec-Fetch-Site: ${site})` };
  }
  const origin = header(req, 'origin');
  if (origin !== undefined && origin !== `http://${host}` && origin !== `https://${host}`) {
    return { status: 403, error: `cross-origin request refused (Origin: ${origin})` };
  }
  return null;
}
