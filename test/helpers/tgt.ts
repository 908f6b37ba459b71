// A private tgtd (Debian package `tgt`, 1.0.85) for interop tests and the benchmark: the
// reference target that every comparison with ours runs against.
//
// tgtd facts this helper relies on (checked on Debian 12's 1.0.85):
// - `-f` keeps it in the foreground; it logs to stderr.
// - The management socket is `$TGT_IPC_SOCKET.<control port>` (plus a `.lock` file next to it),
//   so a private folder in TGT_IPC_SOCKET never clashes with a system tgtd or another helper's.
// - tgtd blocks SIGTERM and SIGINT (it reads signals through a signalfd); the clean way to stop
//   it is `tgtadm --mode system --op delete`. SIGKILL is the fallback.
// - LUN 0 of every target is tgt's own controller (PDT 0Ch); the disk is LUN 1.
// - A busy portal is not fatal to tgtd, so the port is probed before and checked after start.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Negotiation settings for a fast tgt (~2x on writes, docs/initiators.md). */
export const TGT_TUNED_PARAMS: Readonly<Record<string, string>> = Object.freeze({
  MaxRecvDataSegmentLength: '262144',
  MaxXmitDataSegmentLength: '262144',
  ImmediateData: 'Yes',
  InitialR2T: 'No',
  FirstBurstLength: '262144',
  MaxBurstLength: '1048576',
});

export interface TgtCredentials {
  readonly user: string;
  readonly secret: string;
}

export interface TgtOptions {
  /** Bind address (default 127.0.0.1; must be loopback in tests). */
  readonly host?: string;
  /** iSCSI port; default a free one picked on `host`. */
  readonly port?: number;
  /** Target name (default `iqn.2026-11.dev.zbc-target.test:tgt`). */
  readonly iqn?: string;
  /** Size of the backing file created when `backingFile` is absent (default 64 MiB). */
  readonly capacityBytes?: number;
  /** Use this file as the backing store (kept on stop); else a sparse file in a temp folder. */
  readonly backingFile?: string;
  /** Logical block size of the disk LUN (default 512). */
  readonly blockSize?: 512 | 4096;
  /** Apply TGT_TUNED_PARAMS (default false: stock tgt). */
  readonly tuned?: boolean;
  /** More `--name/--value` target parameters, applied after the tuning. */
  readonly params?: Readonly<Record<string, string>>;
  /** Incoming CHAP account (initiator authenticates to tgt). */
  readonly chap?: TgtCredentials;
  /** Outgoing CHAP account (tgt authenticates to the initiator: mutual CHAP). */
  readonly mutualChap?: TgtCredentials;
  /** Initiator names allowed (ACL); default every initiator (`ALL`). */
  readonly initiators?: readonly string[];
  /** `--bsoflags` for the LUN, e.g. 'direct' or 'sync'. */
  readonly bsoflags?: string;
  /** Milliseconds to wait for tgtd's control socket and portal (default 15 s). */
  readonly timeoutMs?: number;
}

export interface TgtProcess {
  readonly host: string;
  readonly port: number;
  readonly iqn: string;
  /** LUN of the disk (tgt keeps LUN 0 for its controller). */
  readonly lun: number;
  readonly blockSize: number;
  readonly capacityBytes: number;
  readonly backingFile: string;
  readonly child: ChildProcess;
  /** libiscsi URL of the disk, e.g. `iscsi://127.0.0.1:3260/iqn.../1`; credentials optional. */
  url(opts?: { lun?: number; chap?: TgtCredentials }): string;
  /** Runs tgtadm against this tgtd (control socket and port filled in); resolves with stdout. */
  tgtadm(args: readonly string[]): Promise<string>;
  /** What tgtd wrote to stdout/stderr so far. */
  output(): string;
  /** Stops tgtd (system delete, then SIGKILL after 5 s) and removes its temporary folder. */
  stop(): Promise<void>;
}

const DEFAULT_IQN = 'iqn.2026-11.dev.zbc-target.test:tgt';
const DISK_LUN = 1;
const TID = 1;
// Any value works: the socket path lives in our private folder.
const CONTROL_PORT = 1;

/** A TCP port that was free on `host` a moment ago. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

// A test run that dies without stop() must not leave tgtd behind.
const liveChildren = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** libiscsi URL syntax: iscsi://[user[%secret]@]host[:port]/iqn/lun. */
export function iscsiUrl(
  host: string,
  port: number,
  iqn: string,
  lun: number,
  chap?: TgtCredentials,
): string {
  const cred = chap ? `${encodeURIComponent(chap.user)}%${encodeURIComponent(chap.secret)}@` : '';
  const h = host.includes(':') ? `[${host}]` : host;
  return `iscsi://${cred}${h}:${port}/${iqn}/${lun}`;
}

export async function startTgt(opts: TgtOptions = {}): Promise<TgtProcess> {
  const host = opts.host ?? '127.0.0.1';
  const iqn = opts.iqn ?? DEFAULT_IQN;
  const blockSize = opts.blockSize ?? 512;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const dir = await mkdtemp(join(tmpdir(), 'zbc-tgt-'));
  const socketBase = join(dir, 'tgtd-ipc');
  const env = { ...process.env, TGT_IPC_SOCKET: socketBase };

  let backingFile = opts.backingFile;
  let capacityBytes = opts.capacityBytes ?? 64 * 1024 * 1024;
  if (backingFile === undefined) {
    backingFile = join(dir, 'disk.img');
    const fh = await open(backingFile, 'w');
    try {
      await fh.truncate(capacityBytes); // sparse
    } finally {
      await fh.close();
    }
  } else {
    const fh = await open(backingFile, 'r');
    try {
      capacityBytes = (await fh.stat()).size;
    } finally {
      await fh.close();
    }
  }

  const port = opts.port ?? (await freePort(host));
  if (await canConnect(host, port)) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`tgt: portal ${host}:${port} is already taken`);
  }
  const portal = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const child = spawn('tgtd', ['-f', '-C', String(CONTROL_PORT), '--iscsi', `portal=${portal}`], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const append = (s: string): void => {
    output += s;
    if (output.length > 64 * 1024) output = output.slice(-32 * 1024);
  };
  child.stdout?.setEncoding('utf8').on('data', append);
  child.stderr?.setEncoding('utf8').on('data', append);
  let spawnError: Error | undefined;
  child.once('error', (e) => {
    spawnError = e;
  });
  liveChildren.add(child);
  const exited = new Promise<void>((res) => {
    child.once('close', () => {
      liveChildren.delete(child);
      res();
    });
  });
  const alive = (): boolean => child.exitCode === null && child.signalCode === null && !spawnError;

  const tgtadm = async (args: readonly string[]): Promise<string> => {
    const { stdout } = await execFileAsync('tgtadm', ['-C', String(CONTROL_PORT), ...args], {
      env,
      encoding: 'utf8',
    });
    return stdout;
  };

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (alive()) {
      try {
        await tgtadm(['--mode', 'system', '--op', 'delete']);
      } catch {
        // fall through to SIGKILL
      }
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  try {
    // Wait for the control socket.
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!alive()) {
        throw new Error(
          `tgt: tgtd exited early (${spawnError?.message ?? child.exitCode}):\n${output}`,
        );
      }
      try {
        await tgtadm(['--lld', 'iscsi', '--mode', 'target', '--op', 'show']);
        break;
      } catch (e) {
        if (Date.now() > deadline)
          throw new Error(`tgt: no control socket within ${timeoutMs} ms: ${String(e)}\n${output}`);
        await sleep(50);
      }
    }
    const lld = ['--lld', 'iscsi'];
    await tgtadm([
      ...lld,
      '--mode',
      'target',
      '--op',
      'new',
      '--tid',
      String(TID),
      '--targetname',
      iqn,
    ]);
    const lunArgs = [
      ...lld,
      '--mode',
      'logicalunit',
      '--op',
      'new',
      '--tid',
      String(TID),
      '--lun',
      String(DISK_LUN),
      '--backing-store',
      backingFile,
      '--blocksize',
      String(blockSize),
    ];
    if (opts.bsoflags !== undefined) lunArgs.push('--bsoflags', opts.bsoflags);
    await tgtadm(lunArgs);
    const params = { ...(opts.tuned ? TGT_TUNED_PARAMS : {}), ...(opts.params ?? {}) };
    for (const [name, value] of Object.entries(params)) {
      await tgtadm([
        ...lld,
        '--mode',
        'target',
        '--op',
        'update',
        '--tid',
        String(TID),
        '--name',
        name,
        '--value',
        value,
      ]);
    }
    const accounts: Array<[TgtCredentials, boolean]> = [];
    if (opts.chap) accounts.push([opts.chap, false]);
    if (opts.mutualChap) accounts.push([opts.mutualChap, true]);
    for (const [acct, outgoing] of accounts) {
      await tgtadm([
        ...lld,
        '--mode',
        'account',
        '--op',
        'new',
        '--user',
        acct.user,
        '--password',
        acct.secret,
      ]);
      await tgtadm([
        ...lld,
        '--mode',
        'account',
        '--op',
        'bind',
        '--tid',
        String(TID),
        '--user',
        acct.user,
        ...(outgoing ? ['--outgoing'] : []),
      ]);
    }
    const initiators = opts.initiators;
    const bind = ['--mode', 'target', '--op', 'bind', '--tid', String(TID)];
    if (initiators === undefined) {
      await tgtadm([...lld, ...bind, '--initiator-address', 'ALL']);
    } else {
      for (const name of initiators) {
        await tgtadm([...lld, ...bind, '--initiator-name', name]);
      }
    }
    // Wait for the portal.
    while (!(await canConnect(host, port))) {
      if (!alive()) throw new Error(`tgt: tgtd exited:\n${output}`);
      if (Date.now() > deadline)
        throw new Error(`tgt: portal ${portal} not accepting within ${timeoutMs} ms\n${output}`);
      await sleep(50);
    }
  } catch (e) {
    await stop();
    throw e;
  }

  const fileForResult = backingFile;
  return {
    host,
    port,
    iqn,
    lun: DISK_LUN,
    blockSize,
    capacityBytes,
    backingFile: fileForResult,
    child,
    url: (o = {}) => iscsiUrl(host, port, iqn, o.lun ?? DISK_LUN, o.chap),
    tgtadm,
    output: () => output,
    stop,
  };
}
