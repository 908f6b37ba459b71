// Starts the targets under test: ours (one process per LU role the cases need, as a user would
// start them: plain, host-managed, each also with the control server up, and host-managed SATA)
// and private tgtd instances (test/helpers/tgt.ts: stock, tuned, and a second tuned one whose
// difference to the first is the noise floor), each on its own sparse backing file of one size
// in one folder, so all sit on the same file system.
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { startTargetProcess, type TargetProcess } from '../helpers/target-process.js';
import { type BenchSizes, LU_ROLE_KINDS, type LuRole, type TargetId } from './cases.js';
import { startTgt } from '../helpers/tgt.js';

export interface Contender {
  readonly id: TargetId;
  /** iscsi:// URL of each LU role the contender offers. */
  readonly urls: Readonly<Partial<Record<LuRole, string>>>;
  /** Process ids, for RSS and profiles. */
  readonly pids: readonly number[];
  /** Control server base URL (http://HOST:PORT) of each LU role started with one. */
  readonly adminUrls: Readonly<Partial<Record<LuRole, string>>>;
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
/**
 * Node flags as `npm start` passes them (scripts/start.mjs): a high initial old-generation limit,
 * so the socket chunks writes hold until the pool has written them (external memory) do not
 * trigger a full garbage collection every few commands.
 */
export const OUR_NODE_ARGS: readonly string[] = ['--initial-old-space-size=256'];

export function ourEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? '32', ...extra };
}

/** Flags every one of our bench LUs shares: name, backing file, size, model, 512-byte blocks. */
function ourLunArgs(iqn: string, backing: string, sizes: BenchSizes, model: string): string[] {
  const size = String(sizes.lunBytes);
  return [
    '--iqn',
    iqn,
    '--backing',
    backing,
    '--capacity',
    size,
    '--model',
    model,
    '--block-size',
    '512',
  ];
}

export function ourPlainArgs(iqn: string, backing: string, sizes: BenchSizes): string[] {
  return ourLunArgs(iqn, backing, sizes, 'none');
}

export function ourZonedArgs(iqn: string, backing: string, sizes: BenchSizes): string[] {
  return [
    ...ourLunArgs(iqn, backing, sizes, 'host-managed'),
    '--zone-size',
    String(sizes.zoneBytes),
    '--conventional-zones',
    String(sizes.conventionalZones),
    // More than the zoned writer's 8 zones in flight, so implicit opens never hit the limit.
    '--max-open',
    '32',
  ];
}

/** The flags of one of our LU roles: the control server on (port chosen by the OS) or off. */
export function ourRoleArgs(
  role: LuRole,
  iqn: string,
  backing: string,
  sizes: BenchSizes,
): string[] {
  const kind = LU_ROLE_KINDS[role];
  const lu = kind.zoned ? ourZonedArgs(iqn, backing, sizes) : ourPlainArgs(iqn, backing, sizes);
  const admin = kind.admin ? ['--admin', '127.0.0.1:0'] : ['--no-admin'];
  return [...lu, ...(kind.sata ? ['--interface', 'sata'] : []), ...admin];
}

const ADMIN_RE = /^zbc-target: control server on (http:\/\/\S+?)\/?\s*$/m;

function lunUrl(p: TargetProcess, iqn: string, lun = 0): string {
  return `iscsi://${p.host}:${p.port}/${p.iqns[0] ?? iqn}/${lun}`;
}

export interface StartOptions {
  readonly dir: string;
  readonly sizes: BenchSizes;
  /** The LU roles to offer (ours: one process each; tgt offers 'plain' only). */
  readonly roles: readonly LuRole[];
  /** Extra environment for our target (e.g. NODE_OPTIONS=--cpu-prof). */
  readonly ourEnv?: NodeJS.ProcessEnv;
}

export async function startContender(id: TargetId, opts: StartOptions): Promise<Contender> {
  const { dir, sizes } = opts;
  if (id === 'ours') return startOurs(opts);
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
    adminUrls: {},
    // tgtd 1.0.85 answers `tgtadm --mode system --op delete` with "invalid request" while it has
    // targets, so the helper's stop() waits 5 s before SIGKILL; tgtd keeps no state of its own
    // (writes went to the file with pwrite), so kill it at once and let stop() clean up.
    stop: async () => {
      tgt.child.kill('SIGKILL');
      await tgt.stop();
    },
  };
}

async function startOurs(opts: StartOptions): Promise<Contender> {
  const env = ourEnv(opts.ourEnv);
  const started: TargetProcess[] = [];
  const urls: Partial<Record<LuRole, string>> = {};
  const adminUrls: Partial<Record<LuRole, string>> = {};
  try {
    for (const role of opts.roles) {
      const file = join(opts.dir, `ours-${role}.img`);
      await createSparseFile(file, opts.sizes.lunBytes);
      const iqn = `${OUR_IQN_PREFIX}-${role}`;
      const p = await startTargetProcess(ourRoleArgs(role, iqn, file, opts.sizes), {
        env,
        nodeArgs: OUR_NODE_ARGS,
      });
      started.push(p);
      urls[role] = lunUrl(p, iqn);
      if (!LU_ROLE_KINDS[role].admin) continue;
      const admin = ADMIN_RE.exec(p.output().stdout)?.[1];
      if (admin === undefined) throw new Error(`ours ${role}: no 'control server on' line`);
      adminUrls[role] = admin;
    }
  } catch (err) {
    await Promise.all(started.map((p) => p.stop()));
    throw err;
  }
  return {
    id: 'ours',
    urls,
    adminUrls,
    pids: started.map((p) => p.child.pid ?? 0),
    async stop() {
      await Promise.all(started.map((p) => p.stop()));
    },
  };
}
