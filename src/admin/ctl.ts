// `zbc-target ctl ...`: a thin client of the control API for scripts. Prints the JSON answer
// (or /metrics text); a refusal is one line on stderr and exit 1, a usage error exit 2.
import { DEFAULT_ADMIN } from '../cli.js';

const USAGE = `usage: zbc-target ctl [--url URL] [--token TOKEN] [--target IQN] COMMAND
  luns                                   list LUs
  zone LUN INDEX                         show a zone
  zone LUN INDEX offline|read-only|normal [--persist]
  zone LUN INDEX reset|finish
  faults                                 list faults with their counters
  fault add JSON                         arm a rule, e.g. '{"class":"read","lba":{"first":0,"last":7},
                                         "action":{"type":"sense","preset":"unrecovered-read-error"}}'
  fault rm ID | fault clear | fault release [ID]
  sessions | drop TSIH
  trace | trace start FILE [--data] [--max-bytes N] | trace stop
  metrics
URL defaults to http://${DEFAULT_ADMIN}; TOKEN to $ZBC_ADMIN_TOKEN.
`;

class UsageError extends Error {}

interface Call {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly path: string;
  readonly body?: unknown;
}

function takeFlag(args: string[], name: string, hasValue: boolean): string | boolean | undefined {
  const at = args.indexOf(name);
  if (at < 0) return undefined;
  const value = hasValue ? args[at + 1] : true;
  if (value === undefined) throw new UsageError(`${name} needs a value`);
  args.splice(at, hasValue ? 2 : 1);
  return value;
}

function num(text: string | undefined, what: string): number {
  if (text === undefined || !/^\d+$/.test(text)) throw new UsageError(`${what} must be a number`);
  return Number(text);
}

async function call(base: string, token: string | undefined, c: Call): Promise<Response> {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  if (c.body !== undefined) headers['content-type'] = 'application/json';
  return fetch(new URL(c.path, base), {
    method: c.method,
    headers,
    ...(c.body !== undefined ? { body: JSON.stringify(c.body) } : {}),
  });
}

/** The target of a LUN when --target is not given: the only target there is. */
async function onlyTarget(base: string, token: string | undefined): Promise<string> {
  const res = await call(base, token, { method: 'GET', path: '/api/luns' });
  const luns = (await res.json()) as { target: string }[];
  const names = [...new Set(luns.map((l) => l.target))];
  if (names.length !== 1)
    throw new UsageError(`--target is required (targets: ${names.join(', ')})`);
  return names[0] as string;
}

async function toCall(
  args: string[],
  base: string,
  token: string | undefined,
  target?: string,
): Promise<Call> {
  const [command, ...rest] = args;
  switch (command) {
    case 'luns':
      return { method: 'GET', path: '/api/luns' };
    case 'metrics':
      return { method: 'GET', path: '/metrics' };
    case 'faults':
      return { method: 'GET', path: '/api/faults' };
    case 'sessions':
      return { method: 'GET', path: '/api/sessions' };
    case 'drop':
      return { method: 'DELETE', path: `/api/sessions/${num(rest[0], 'TSIH')}` };
    case 'fault': {
      const [sub, arg] = rest;
      if (sub === 'add') {
        if (arg === undefined) throw new UsageError('fault add needs a JSON rule');
        try {
          return { method: 'POST', path: '/api/faults', body: JSON.parse(arg) };
        } catch {
          throw new UsageError('fault add: the rule is not valid JSON');
        }
      }
      if (sub === 'rm' && arg !== undefined)
        return { method: 'DELETE', path: `/api/faults/${encodeURIComponent(arg)}` };
      if (sub === 'clear') return { method: 'DELETE', path: '/api/faults' };
      if (sub === 'release') {
        return {
          method: 'POST',
          path:
            arg === undefined
              ? '/api/faults/release'
              : `/api/faults/${encodeURIComponent(arg)}/release`,
        };
      }
      throw new UsageError('fault: add JSON | rm ID | clear | release [ID]');
    }
    case 'trace': {
      const [sub, file] = rest;
      if (sub === undefined) return { method: 'GET', path: '/api/trace' };
      if (sub === 'stop') return { method: 'POST', path: '/api/trace/stop' };
      if (sub !== 'start' || file === undefined) throw new UsageError('trace: start FILE | stop');
      const more = rest.slice(2);
      const data = takeFlag(more, '--data', false) === true;
      const max = takeFlag(more, '--max-bytes', true);
      const body = {
        file,
        data,
        ...(typeof max === 'string' ? { maxBytes: num(max, '--max-bytes') } : {}),
      };
      return { method: 'POST', path: '/api/trace/start', body };
    }
    case 'zone': {
      const [lunText, indexText, action] = rest;
      const lun = num(lunText, 'LUN');
      const index = num(indexText, 'INDEX');
      const t = target ?? (await onlyTarget(base, token));
      const path = `/api/targets/${encodeURIComponent(t)}/luns/${lun}/zones/${index}`;
      if (action === undefined) return { method: 'GET', path };
      if (action === 'reset' || action === 'finish')
        return { method: 'POST', path: `${path}/${action}` };
      if (action === 'offline' || action === 'read-only' || action === 'normal') {
        const persist = rest.includes('--persist');
        return { method: 'POST', path: `${path}/condition`, body: { condition: action, persist } };
      }
      throw new UsageError(`zone: unknown action "${action}"`);
    }
    default:
      throw new UsageError(
        command === undefined ? 'a command is required' : `unknown command "${command}"`,
      );
  }
}

export async function runCtl(argv: readonly string[]): Promise<number> {
  const args = [...argv];
  try {
    if (args.length === 0 || args.includes('--help') || args.includes('-h')) {
      process.stdout.write(USAGE);
      return args.length === 0 ? 2 : 0;
    }
    const url = takeFlag(args, '--url', true);
    const tokenFlag = takeFlag(args, '--token', true);
    const target = takeFlag(args, '--target', true);
    const base = typeof url === 'string' ? url : `http://${DEFAULT_ADMIN}`;
    const token = typeof tokenFlag === 'string' ? tokenFlag : process.env.ZBC_ADMIN_TOKEN;
    const c = await toCall(args, base, token, typeof target === 'string' ? target : undefined);
    const res = await call(base, token, c);
    const text = await res.text();
    if (!res.ok) {
      let error = text;
      try {
        error = (JSON.parse(text) as { error?: string }).error ?? text;
      } catch {
        /* not JSON */
      }
      process.stderr.write(`zbc-target ctl: ${res.status} ${error}\n`);
      return 1;
    }
    if (text === '') return 0;
    const json = res.headers.get('content-type')?.includes('json') === true;
    process.stdout.write(json ? `${JSON.stringify(JSON.parse(text), null, 2)}\n` : text);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`zbc-target ctl: ${e.message}\n${USAGE}`);
      return 2;
    }
    // fetch's own message is "fetch failed"; its cause says why (ECONNREFUSED, bad port...).
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (e as Error).message;
    process.stderr.write(`zbc-target ctl: cannot reach the control server: ${why}\n`);
    return 1;
  }
}
