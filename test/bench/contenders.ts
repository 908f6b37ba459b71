// Starts the targets under test: ours (a plain LU and a host-managed LU, one process each, as a
// user would start them) and private tgtd instances (test/helpers/tgt.ts: stock, tuned, and a
// second tuned one whose difference to the first is the noise floor), each on its own sparse
// backing file of one size in one folder, so all sit on the same file system.
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { startTargetProcess, type TargetProcess } from '../helpers/target-process.js';
import type { BenchSizes, LuRole, TargetId } from './cases.js';
import { startTgt } from '../helpers/tgt.js';

export interface Contender {
  readonly id: TargetId;
  /** iscsi:// URL of each LU role the contender offers. */
  readonly urls: Readonly<Partial<Record<LuRole, string>>>;
  /** Process ids, for RSS and profiles. */
  readonly pids: readonly number[];
  stop(): Promise<void>;
}

export const OUR_IQN_PREFIX = 'iqn.2026-11.dev.zbc-target:bench';

/** A sparse file of exactly `bytes` (ftruncate), so every contender gets the same size. */
export async function createSparseFile(path: string, bytes: number): Promise<void> {
  const fh = await open(path, 'w');
  try {
    await fh.truncate(bytes);
  } finally {
    await fh.close();
  }
}

/** Environment for our target: the same libuv pool size `npm start` gives it. */
export function ourEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? '32', ...extra };
}

export function ourPlainArgs(iqn: string, backing: string, sizes: BenchSizes): string[] {
  return ['--iqn', iqn, '--backing', backing, '--capacity', String(sizes.lunBytes), '--model', 'none', '--block-size', '512'];
}

export function ourZonedArgs(iqn: string, backing: string, sizes: BenchSizes): string[] {
  return [
    '--iqn', iqn,
    '--backing', backing,
    '--capacity', String(sizes.lunBytes),
    '--model', 'host-managed',
    '--block-size', '512',
    '--zone-size', String(sizes.zoneBytes),
    '--conventional-zones', String(sizes.conventionalZones),
    // More than the zoned writer's 8 zones in flight, so implicit opens never hit the limit.
    '--max-open', '32',
  ];
}

function lunUrl(p: TargetProcess, iqn: string, lun = 0): string {
  return `iscsi://${p.host}:${p.port}/${p.iqns[0] ?? iqn}/${lun}`;
}

export interface StartOptions {
  readonly dir: string;
  readonly sizes: BenchSizes;
  /** Extra environment for our target (e.g. NODE_OPTIONS=--cpu-prof). */
  readonly ourEnv?: NodeJS.ProcessEnv;
}

export async function startContender(id: TargetId, opts: StartOptions): Promise<Contender> {
  const { dir, sizes } = opts;
  if (id === 'ours') {
    const plainFile = join(dir, 'ours-plain.img');
    const zonedFile = join(dir, 'ours-zoned.img');
    await createSparseFile(plainFile, sizes.lunBytes);
    await createSparseFile(zonedFile, sizes.lunBytes);
    const env = ourEnv(opts.ourEnv);
    const plainIqn = `${OUR_IQN_PREFIX}-plain`;
    const zonedIqn = `${OUR_IQN_PREFIX}-zoned`;
    const plain = await startTargetProcess(ourPlainArgs(plainIqn, plainFile, sizes), { env });
    let zoned: TargetProcess;
    try {
      zoned = await startTargetProcess(ourZonedArgs(zonedIqn, zonedFile, sizes), { env });
    } catch (err) {
      await plain.stop();
      throw err;
    }
    return {
      id,
      urls: { plain: lunUrl(plain, plainIqn), zoned: lunUrl(zoned, zonedIqn) },
      pids: [plain.child.pid ?? 0, zoned.child.pid ?? 0],
      async stop() {
        await Promise.all([plain.stop(), zoned.stop()]);
      },
    };
  }
  const backing = join(dir, `${id}.img`);
  await createSparseFile(backing, sizes.lunBytes);
  const tgt = await startTgt({
    backingFile: backing,
    iqn: `iqn.2026-11.dev.zbc-target:bench-${id}`,
    blockSize: 512,
    tuned: id !== 'tgt-stock',
  });
  return {
    id,
    urls: { plain: tgt.url() },
    pids: [tgt.child.pid ?? 0],
    // tgtd 1.0.85 answers `tgtadm --mode system --op delete` with "invalid request" while it has
    // targets, so the helper's stop() waits 5 s before SIGKILL; tgtd keeps no state of its own
    // (writes went to the file with pwrite), so kill it at once and let stop() clean up.
    stop: async () => {
      tgt.child.kill('SIGKILL');
      await tgt.stop();
    },
  };
}
