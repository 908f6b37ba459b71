// What the control server's routes use of the control plane; ControlPlane implements it. A leaf,
// so the routes and the app builder do not import control-plane.ts, which builds the app.
import type { IscsiServer } from '../../transport/server.js';
import type { FaultEngine } from './fault-engine.js';
import type { LunRegistry } from './lun-registry.js';
import type { Metrics } from './metrics.js';
import type { WireTrace } from './wire-trace.js';
import type { ZoneFeed } from './zone-feed.js';

export interface AdminSurface {
  readonly luns: LunRegistry;
  readonly faults: FaultEngine;
  readonly metrics: Metrics;
  readonly trace: WireTrace;
  readonly feed: ZoneFeed;
  readonly iscsi: IscsiServer | undefined;
  dropSession(tsih: number, reason: string): boolean;
}
