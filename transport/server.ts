// The iSCSI listener: accepts TCP connections, owns the session registry, and stops gracefully
// with an Async logout request (RFC 7143 §11.9.1 event 1) before dropping what is left.
import { createServer, type Server, type Socket } from 'node:net';
import createDebug from 'debug';
import { Connection, type ConnectionContext } from './connection.js';
import { resolveLimits, type TransportLimits } from './limits.js';
import { LoginBudget } from './login-budget.js';
import { normalizeIscsiName } from './login/iscsi-name.js';
import type { SessionRef, TransportObserver } from './observer.js';
import type { Session } from './session.js';
import { SessionRegistry } from './session-registry.js';
import type { TargetPortalConfig } from './target-portal-config.js';

export type { TargetPortalConfig } from './target-portal-config.js';
export type { TransportLimits } from './limits.js';

const log = createDebug('zbc:transport');

export interface IscsiServerOptions {
  readonly host: string;
  readonly port: number;
  readonly targets: readonly TargetPortalConfig[];
  /** CmdSN window per session (default 128). */
  readonly queueDepth?: number;
  readonly limits?: Partial<TransportLimits>;
  /** How long close() waits for initiators to log out after the Async request (default 2000 ms). */
  readonly logoutGraceMs?: number;
  /** Sees connections, sessions, PDUs and digest errors (metrics, wire trace). */
  readonly observer?: TransportObserver;
}

/** A live session, for the control server's list. */
export type SessionSummary = Omit<SessionRef, 'connection'>;

export interface IscsiServer {
  address(): { host: string; port: number };
  /** Sends an Async logout request to every session, waits briefly, then drops the rest. */
  close(): Promise<void>;
  sessionCount(): number;
  sessions(): SessionSummary[];
  /** Ends a session at once, as a dropped connection does (tasks ended, nexus loss). */
  dropSession(tsih: number, reason: string): boolean;
}

export async function startIscsiServer(options: IscsiServerOptions): Promise<IscsiServer> {
  const limits = resolveLimits(options.limits, options.queueDepth);
  const targets = [...options.targets];
  // Names compare in their RFC 3722 form: a login may spell the configured name in other case.
  const byName = new Map(targets.map((t) => [normalizeIscsiName(t.name), t]));
  if (byName.size !== targets.length) throw new Error('two targets share one name');
  const registry = new SessionRegistry(limits.maxSessionsPerInitiator);
  const logins = new LoginBudget();
  const connections = new Set<Connection>();
  /** Every accepted socket, including ones lingering after a final answer, for close(). */
  const sockets = new Set<Socket>();
  const graceMs = options.logoutGraceMs ?? 2000;
  let closing: Promise<void> | undefined;
  let lastConnectionId = 0;

  const ctx: ConnectionContext = {
    limits,
    registry,
    findTarget: (name) => byName.get(normalizeIscsiName(name)),
    targets: () => targets,
    sessionsOfTarget: (name) => registry.forTarget(name) as Session[],
    closed: (connection) => connections.delete(connection),
    loginEnded: (connection) => logins.release(connection.remoteAddress),
    nextConnectionId: () => ++lastConnectionId,
    ...(options.observer !== undefined ? { observer: options.observer } : {}),
  };

  const server: Server = createServer({ noDelay: true }, (socket: Socket) => {
    if (closing) {
      socket.destroy();
      return;
    }
    if (!logins.take(socket.remoteAddress ?? '?')) {
      log('refusing %s: too many logins in progress', socket.remoteAddress);
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    try {
      const overloaded = connections.size >= limits.maxConnections;
      connections.add(new Connection(socket, ctx, overloaded));
    } catch (err) {
      log('accept failed: %O', err);
      logins.release(socket.remoteAddress ?? '?');
      socket.destroy();
    }
  });
  server.on('error', (err) => log('server error: %O', err));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address();
  const address =
    bound && typeof bound === 'object'
      ? { host: bound.address, port: bound.port }
      : { host: options.host, port: options.port };
  log('listening on %s:%d', address.host, address.port);

  return {
    address: () => address,
    sessionCount: () => registry.size,
    sessions: () =>
      (registry.all() as Session[]).map((s) => ({
        tsih: s.tsih,
        initiatorName: s.initiatorName,
        isid: s.isid,
        targetName: s.targetName,
        nexusKey: s.nexus?.key,
      })),
    dropSession(tsih: number, reason: string): boolean {
      const session = registry.all().find((s) => s.tsih === tsih);
      if (session === undefined) return false;
      session.terminate(reason);
      return true;
    },
    close(): Promise<void> {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        const seconds = Math.max(1, Math.ceil(graceMs / 1000));
        for (const c of connections) c.requestLogout(seconds);
        const deadline = Date.now() + graceMs;
        while (registry.size > 0 && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 20));
        for (const c of [...connections]) c.fail('server stopping');
        for (const socket of sockets) socket.destroy();
        await stopped;
      })();
      return closing;
    },
  };
}
