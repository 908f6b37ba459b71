// Configuration -> running objects: per LUN a store, a journal and a ZoneModel; per target a
// ScsiTarget; one iSCSI server for all of them. Anything opened before a failure is closed again,
// so a refused start leaves no file handle behind.
import createDebug from 'debug';
import { createScsiTarget, type ManagedScsiTarget } from '../scsi/target-device.js';
import type { LogicalUnitConfig } from '../scsi/logical-unit.js';
import { type IscsiServer, startIscsiServer } from '../transport/server.js';
import type { TargetPortalConfig } from '../transport/target-portal-config.js';
import { ControlPlane } from './admin/control-plane.js';
import type { ResolvedConfig } from './config.js';
import { type OpenedLun, openLun } from './open-lun.js';

const log = createDebug('zbc:src');

export interface Composed {
  readonly server: IscsiServer;
  readonly targets: readonly ManagedScsiTarget[];
  /** Faults, metrics, trace and control server, when the configuration asks for any. */
  readonly control?: ControlPlane;
  /** Async logout and drop of every session, then flush and close every LU. */
  close(): Promise<void>;
}

export async function compose(config: ResolvedConfig): Promise<Composed> {
  const opened: OpenedLun[] = [];
  const targets: ManagedScsiTarget[] = [];
  const portals: TargetPortalConfig[] = [];
  try {
    for (const t of config.targets) {
      const luns: LogicalUnitConfig[] = [];
      for (const l of t.luns) {
        const o = await openLun(l);
        opened.push(o);
        luns.push(o.config);
        log(
          'target %s lun %d: %s, %d blocks of %d',
          t.name,
          l.lun,
          l.layout.model,
          l.layout.capacityBlocks,
          l.layout.blockSize,
        );
      }
      const scsi = createScsiTarget({ name: t.name, luns });
      targets.push(scsi);
      portals.push({
        name: t.name,
        scsi,
        ...(t.alias !== undefined ? { alias: t.alias } : {}),
        ...(t.chap ? { chap: t.chap } : {}),
        ...(t.mutualChap ? { mutualChap: t.mutualChap } : {}),
        ...(t.initiators ? { initiators: t.initiators } : {}),
      });
    }
    const control = needsControlPlane(config)
      ? new ControlPlane(targets, {
          ...(config.admin !== undefined ? { admin: config.admin } : {}),
          ...(config.faults !== undefined ? { faults: config.faults } : {}),
          ...(config.trace !== undefined ? { trace: config.trace } : {}),
        })
      : undefined;
    const server = await startIscsiServer({
      host: config.listen.host,
      port: config.listen.port,
      targets: portals,
      ...(config.queueDepth !== undefined ? { queueDepth: config.queueDepth } : {}),
      ...(control !== undefined ? { observer: control.observer } : {}),
    });
    try {
      await control?.start(server);
    } catch (e) {
      await control?.close().catch(() => undefined);
      await server.close();
      throw e;
    }
    let closing: Promise<void> | undefined;
    return {
      server,
      targets,
      ...(control !== undefined ? { control } : {}),
      close() {
        closing ??= (async () => {
          try {
            await control?.close();
            await server.close();
          } finally {
            await closeTargets(targets);
          }
        })();
        return closing;
      },
    };
  } catch (e) {
    // Targets own their LUs' stores and journals; LUs opened but not yet in a target are closed here.
    // The start's own error is the one to report, not a close failure after it.
    await closeTargets(targets).catch(() => undefined);
    const owned = new Set(targets.flatMap((t) => t.luns().map((l) => t.logicalUnit(l.lun)?.store)));
    for (const o of opened) {
      if (owned.has(o.store)) continue;
      await o.journal?.close().catch(() => undefined);
      await o.store.close().catch(() => undefined);
    }
    throw e;
  }
}

function needsControlPlane(config: ResolvedConfig): boolean {
  const faults = config.faults?.length ?? 0;
  return config.admin !== undefined || config.trace !== undefined || faults > 0;
}

/** Flushes and closes every target; one failure does not keep the others open. */
async function closeTargets(targets: readonly ManagedScsiTarget[]): Promise<void> {
  const results = await Promise.allSettled(targets.map((t) => t.close()));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
