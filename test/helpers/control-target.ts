// One target with its control plane (faults, metrics, trace, control server) in this process,
// on 127.0.0.1 port 0, for the control server's tests.
import type { TraceOptions } from '../../src/admin/wire-trace.js';
import { type Composed, compose } from '../../src/compose.js';
import { type RawLun, resolveConfig } from '../../src/config.js';

export const BS = 4096;
/** Blocks per zone: 1 MiB zones of 4 KiB blocks. */
export const ZONE = 256;

/** A host-managed LU of 1 MiB zones (2 conventional), in memory unless `backing` is given. */
export function zonedLun(lun: number, over: Partial<RawLun> = {}): RawLun {
  const zoned = { lun, capacity: '16MiB', blockSize: BS, zoneSize: '1MiB', conventionalZones: 2 };
  return { ...zoned, ...(over.backing === undefined ? { memory: true } : {}), ...over };
}

export interface ControlOptions {
  /** Fault rules as a config file gives them (validated by the config). */
  readonly faults?: readonly unknown[];
  /** Start the control server (on 127.0.0.1, port 0). */
  readonly admin?: boolean;
  readonly trace?: TraceOptions;
  /** Where relative backing files go. */
  readonly baseDir?: string;
}

export interface ControlledTarget {
  readonly composed: Composed;
  /** The iSCSI port. */
  readonly port: number;
  /** `http://127.0.0.1:PORT` of the control server, when started. */
  readonly adminBase: string;
}

export async function startControlled(
  name: string,
  luns: readonly RawLun[],
  opts: ControlOptions = {},
): Promise<ControlledTarget> {
  const raw = {
    listen: '127.0.0.1:0',
    targets: [{ name, luns: [...luns] }],
    ...(opts.faults !== undefined ? { faults: [...opts.faults] } : {}),
  };
  const config = resolveConfig(raw, { baseDir: opts.baseDir ?? '.' });
  const composed = await compose({
    ...config,
    ...(opts.admin === true ? { admin: { host: '127.0.0.1', port: 0 } } : {}),
    ...(opts.trace !== undefined ? { trace: opts.trace } : {}),
  });
  const admin = composed.control?.adminAddress;
  return {
    composed,
    port: composed.server.address().port,
    adminBase: admin === undefined ? '' : `http://127.0.0.1:${admin.port}`,
  };
}
