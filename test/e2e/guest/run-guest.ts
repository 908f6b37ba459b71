// Boots the test guest under QEMU (TCG, user-mode networking: the host's loopback is 10.0.2.2 in the
// guest), runs one scenario script between markers and parses its `PASS name` / `FAIL name: why`
// lines (guide.md §§5, 7). QEMU is always killed by its own pid: on exit, timeout or error.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import createDebug from 'debug';
import { type GuestImage, makeRunArchive } from './build-guest.js';

const debug = createDebug('zbc:e2e:guest');
const here = dirname(fileURLToPath(import.meta.url));
export const scenarioDir = join(here, 'scenarios');

const BEGIN = '===== BEGIN SCRIPT =====';
const END_RE = /^===== END SCRIPT rc=(\d+) =====$/m;

export interface Check {
  name: string;
  ok: boolean;
  skipped: boolean;
  detail: string;
}

export type GuestStatus = 'completed' | 'timeout' | 'boot-failure';

export interface GuestResult {
  status: GuestStatus;
  /** Exit status of the scenario script (from the END marker); null unless completed. */
  exitCode: number | null;
  checks: Check[];
  /** Script output between the markers (or everything after BEGIN when it never ended). */
  output: string;
  /** The whole serial console, for diagnostics. */
  console: string;
  durationMs: number;
}

/** How QEMU itself attaches an iSCSI LUN through libiscsi (block-iscsi.so) to the guest. */
export interface LibiscsiAttach {
  url: string;
  device: 'scsi-generic' | 'scsi-block';
  initiatorName?: string;
}

export interface GuestRunOptions {
  image: GuestImage;
  /** Scenario script (dash); lib.sh is available as /scenario/lib.sh. */
  script: string;
  env?: Record<string, string | number>;
  timeoutMs?: number;
  memoryMb?: number;
  /** LUNs QEMU attaches itself through libiscsi, at virtio-scsi ids 0, 1, ... */
  libiscsi?: LibiscsiAttach | LibiscsiAttach[];
  /**
   * Each console line, live. `reply` writes to the guest's serial console, where a scenario can
   * wait for it with `read -r x </dev/ttyS0` (used to sequence host-side actions such as a
   * target restart). Debug output: DEBUG=zbc:e2e:guest.
   */
  onLine?: (line: string, reply: (text: string) => void) => void;
}

export function parseChecks(output: string): Check[] {
  const checks: Check[] = [];
  for (const line of output.split('\n')) {
    let m = /^PASS (\S+)\s*$/.exec(line);
    if (m?.[1]) {
      checks.push({ name: m[1], ok: true, skipped: false, detail: '' });
      continue;
    }
    m = /^FAIL ([^\s:]+):?\s*(.*)$/.exec(line);
    if (m?.[1]) {
      checks.push({ name: m[1], ok: false, skipped: false, detail: m[2] ?? '' });
      continue;
    }
    m = /^SKIP ([^\s:]+):?\s*(.*)$/.exec(line);
    if (m?.[1]) checks.push({ name: m[1], ok: true, skipped: true, detail: m[2] ?? '' });
  }
  return checks;
}

function shellQuote(v: string): string {
  return `'${v.replace(/'/g, `'\\''`)}'`;
}

export function qemuArgs(
  image: GuestImage,
  initrd: string,
  opts: Pick<GuestRunOptions, 'memoryMb' | 'libiscsi'>,
): string[] {
  const args = [
    // -cpu max gives the guest SSE4.2, so btrfs checksums with crc32c-intel and submits zoned data
    // bios in order; with crc32c-generic it checksums in a workqueue that can reorder them, which
    // Debian 13's 6.12 kernel mishandles for emulated zone append (guest/README.md, "btrfs").
    '-accel',
    'tcg',
    '-cpu',
    'max',
    '-m',
    String(opts.memoryMb ?? 1536),
    '-smp',
    '1',
    '-nodefaults',
    '-no-user-config',
    '-display',
    'none',
    '-no-reboot',
    '-monitor',
    'none',
    '-kernel',
    image.kernel,
    '-initrd',
    initrd,
    '-append',
    'console=ttyS0,115200 panic=-1 quiet loglevel=4 no_timer_check',
    '-serial',
    'stdio',
    '-netdev',
    'user,id=n0,net=10.0.2.0/24,host=10.0.2.2,ipv6=off',
    '-device',
    'virtio-net-pci,netdev=n0,romfile=',
  ];
  const drives =
    opts.libiscsi === undefined
      ? []
      : Array.isArray(opts.libiscsi)
        ? opts.libiscsi
        : [opts.libiscsi];
  if (drives.length > 0) args.push('-device', 'virtio-scsi-pci,id=scsi0');
  drives.forEach((a, i) => {
    args.push(
      '-drive',
      `file=${a.url},if=none,id=d${i},format=raw,cache=none`,
      '-device',
      `${a.device},drive=d${i},bus=scsi0.0,channel=0,scsi-id=${i},lun=0`,
    );
  });
  const initiator = drives.find((d) => d.initiatorName)?.initiatorName;
  if (initiator) args.push('-iscsi', `initiator-name=${initiator}`);
  return args;
}

function kill(child: ChildProcess): void {
  if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/**
 * A detached shell that kills QEMU if this process dies without running its exit handlers (a
 * test runner killed by a signal), so no guest outlives its test.
 */
function startWatchdog(qemu: ChildProcess): ChildProcess {
  const w = spawn(
    'sh',
    [
      '-c',
      'while kill -0 "$1" 2>/dev/null; do sleep 2; done; kill -9 "$2" 2>/dev/null',
      'watchdog',
      String(process.pid),
      String(qemu.pid),
    ],
    {
      detached: true,
      stdio: 'ignore',
    },
  );
  w.unref();
  return w;
}

/** Boots the guest once and runs the script. Never throws for guest-side failures. */
export async function runGuest(opts: GuestRunOptions): Promise<GuestResult> {
  const helpers: Record<string, string> = {};
  for (const name of readdirSync(scenarioDir)) {
    if (name.endsWith('.sh'))
      helpers[`scenario/${name}`] = readFileSync(join(scenarioDir, name), 'utf8');
  }
  const env = Object.entries(opts.env ?? {})
    .map(([k, v]) => `export ${k}=${shellQuote(String(v))}`)
    .join('\n');
  const runCpio = makeRunArchive({
    ...helpers,
    'scenario/script.sh': opts.script,
    'scenario/env': `${env}\n`,
  });
  // Base archive first, the small per-run archive after it: the later file wins (guide.md §4).
  const initrd = `${runCpio}.initrd`;
  execFileSync('bash', ['-c', 'cat "$1" "$2" > "$3"', 'cat', opts.image.initrd, runCpio, initrd]);
  rmSync(runCpio, { force: true });

  const started = Date.now();
  const timeoutMs = opts.timeoutMs ?? 300_000;
  const child = spawn('qemu-system-x86_64', qemuArgs(opts.image, initrd, opts), {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const reply = (text: string): void => {
    if (child.stdin.writable) child.stdin.write(text);
  };
  child.stdin.on('error', () => undefined);
  const watchdog = startWatchdog(child);
  let consoleText = '';
  let partial = '';
  const onChunk = (s: string): void => {
    const text = s.replace(/\r/g, '');
    consoleText += text;
    partial += text;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      debug('%s', line);
      opts.onLine?.(line, reply);
    }
  };
  child.stdout.setEncoding('utf8').on('data', onChunk);
  child.stderr.setEncoding('utf8').on('data', onChunk);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    kill(child);
  }, timeoutMs);
  const onParentExit = (): void => kill(child);
  process.once('exit', onParentExit);
  try {
    await new Promise<void>((resolve) => {
      child.once('error', (e) => {
        consoleText += `\nqemu spawn error: ${e.message}\n`;
        resolve();
      });
      child.once('close', () => resolve());
    });
  } finally {
    clearTimeout(timer);
    kill(child);
    kill(watchdog);
    process.off('exit', onParentExit);
    rmSync(initrd, { force: true });
  }
  const begin = consoleText.indexOf(BEGIN);
  const afterBegin = begin < 0 ? '' : consoleText.slice(begin + BEGIN.length + 1);
  const end = END_RE.exec(afterBegin);
  const output = end ? afterBegin.slice(0, end.index) : afterBegin;
  const status: GuestStatus = timedOut ? 'timeout' : end ? 'completed' : 'boot-failure';
  return {
    status,
    exitCode: end && !timedOut ? Number(end[1]) : null,
    checks: parseChecks(output),
    output,
    console: consoleText,
    durationMs: Date.now() - started,
  };
}

/** A one-paragraph description of a run that did not complete or had failed checks. */
export function describeFailure(r: GuestResult): string {
  const failed = r.checks.filter((c) => !c.ok).map((c) => `  FAIL ${c.name}: ${c.detail}`);
  const head =
    r.status === 'timeout'
      ? `guest timed out after ${(r.durationMs / 1000).toFixed(0)} s`
      : r.status === 'boot-failure'
        ? 'guest boot failure (no END marker)'
        : `script exit ${r.exitCode}`;
  const tail =
    r.status === 'completed'
      ? ''
      : `\n--- console tail ---\n${r.console.split('\n').slice(-40).join('\n')}`;
  return `${head}\n${failed.join('\n')}${tail}`;
}

/** Reads a scenario script from scenarios/. */
export function scenario(name: string): string {
  return readFileSync(join(scenarioDir, name), 'utf8');
}

/** A driver script: attach the LUN (attach.sh, by MODE), source each scenario part, print totals. */
export function composeScript(parts: string[], opts: { attach?: boolean } = {}): string {
  const lines = ['. /scenario/lib.sh', '. /scenario/attach.sh'];
  if (opts.attach !== false) lines.push('attach_lun || { finish; exit 1; }');
  for (const p of parts) lines.push(`. /scenario/${p}`);
  lines.push('finish', '');
  return lines.join('\n');
}
