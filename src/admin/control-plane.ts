// The run-time control of a running target: fault engine, metrics, wire trace and the control
// server, wired to the SCSI targets (command hook) and the iSCSI server (transport observer).
// compose.ts creates it only when something asks for it (--admin, --trace, faults in config).
import createDebug from 'debug';
import type { FastifyInstance } from 'fastify';
import type {
  CommandHook,
  CommandObservation,
  CommandView,
  HookAnswer,
} from '../../scsi/ports/command-hook.js';
import type { ManagedScsiTarget } from '../../scsi/target-device.js';
import type { ConnectionRef, SessionRef, TransportObserver } from '../../transport/observer.js';
import type { IscsiServer } from '../../transport/server.js';
import type { AdminSurface } from './admin-surface.js';
import { FaultEngine } from './fault-engine.js';
import type { FaultRule } from './fault-rules.js';
import { buildAdminApp } from './http-server.js';
import { LunRegistry } from './lun-registry.js';
import { Metrics } from './metrics.js';
import { isLoopbackHost } from './request-guard.js';
import { type TraceOptions, WireTrace } from './wire-trace.js';
import { ZoneFeed } from './zone-feed.js';

const log = createDebug('zbc:admin');

export interface AdminListen {
  readonly host: string;
  readonly port: number;
  readonly token?: string;
}

export interface ControlPlaneOptions {
  readonly admin?: AdminListen;
  readonly faults?: readonly FaultRule[];
  readonly trace?: TraceOptions;
}

/** The control server could not bind; the message is one line naming the address. */
export class AdminListenError extends Error {
  readonly code = 'ADMIN_LISTEN';
}

export class ControlPlane implements AdminSurface {
  readonly luns: LunRegistry;
  readonly faults: FaultEngine;
  readonly metrics: Metrics;
  readonly trace = new WireTrace();
  readonly observer: TransportObserver;
  readonly feed: ZoneFeed;
  #server: IscsiServer | undefined;
  #http: FastifyInstance | undefined;
  #httpAddress: { host: string; port: number } | undefined;

  constructor(
    targets: readonly ManagedScsiTarget[],
    private readonly options: ControlPlaneOptions,
  ) {
    this.luns = new LunRegistry(targets);
    this.metrics = new Metrics(this.luns);
    this.faults = new FaultEngine({
      zoneRange: (t, lun, zone) => this.luns.zoneRange(t, lun, zone),
      dropSession: (nexusKey) => this.dropNexus(nexusKey),
      fired: (f) => this.metrics.faultFired(f.id, f.rule.action.type),
    });
    for (const rule of options.faults ?? []) this.faults.add(rule);
    const hook = this.#commandHook();
    for (const t of targets) t.setCommandHook(hook);
    this.observer = this.#transportObserver();
    this.feed = new ZoneFeed(this.luns, this.metrics);
  }

  #commandHook(): CommandHook {
    const faults = this.faults;
    const metrics = this.metrics;
    return {
      get intercepting(): boolean {
        return faults.size > 0;
      },
      before: (view: CommandView): HookAnswer | undefined | Promise<HookAnswer | undefined> =>
        faults.before(view),
      after: (o: CommandObservation) => metrics.command(o),
    };
  }

  #transportObserver(): TransportObserver {
    const metrics = this.metrics;
    const trace = this.trace;
    return {
      connectionOpened: (_c: ConnectionRef) => metrics.connection(true),
      connectionClosed: (c: ConnectionRef) => {
        metrics.connection(false);
        trace.connectionClosed(c);
      },
      sessionOpened: (_s: SessionRef) => metrics.session(true),
      sessionClosed: (_s: SessionRef) => metrics.session(false),
      pdu: (c, direction, bhs, ahs, data) => {
        metrics.pdu(direction, (bhs[0] ?? 0) & 0x3f);
        if (trace.active) trace.pdu(c, direction, bhs, ahs, data);
      },
      digestError: (_c, kind) => metrics.digestError(kind),
    };
  }

  /** Binds the control server and starts a --trace; the iSCSI server is running by now. */
  async start(server: IscsiServer): Promise<void> {
    this.#server = server;
    if (this.options.trace !== undefined) await this.trace.start(this.options.trace);
    const admin = this.options.admin;
    if (admin === undefined) return;
    const loopback = isLoopbackHost(admin.host);
    this.#http = await buildAdminApp(this, { token: admin.token, loopback });
    try {
      await this.#http.listen({ host: admin.host, port: admin.port });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'error';
      throw new AdminListenError(
        `cannot listen on ${admin.host}:${admin.port} (control server): ${code}`,
      );
    }
    const bound = this.#http.server.address();
    const address =
      bound !== null && typeof bound === 'object'
        ? { host: bound.address, port: bound.port }
        : admin;
    this.#httpAddress = address;
    log('control server on %s:%d', address.host, address.port);
  }

  get adminAddress(): { host: string; port: number } | undefined {
    return this.#httpAddress;
  }

  get iscsi(): IscsiServer | undefined {
    return this.#server;
  }

  dropNexus(nexusKey: string): boolean {
    const s = this.#server?.sessions().find((x) => x.nexusKey === nexusKey);
    return s !== undefined && this.dropSession(s.tsih, 'fault injection');
  }

  dropSession(tsih: number, reason: string): boolean {
    return this.#server?.dropSession(tsih, reason) ?? false;
  }

  /** Stops the control server first (its streams end), releases stalled commands, ends a trace. */
  async close(): Promise<void> {
    this.faults.clear();
    this.feed.close();
    await this.#http?.close();
    await this.trace.stop();
  }
}
