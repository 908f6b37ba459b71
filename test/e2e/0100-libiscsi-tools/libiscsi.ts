// Runs libiscsi's command-line tools (Debian 12's libiscsi-bin 1.19) and our scsi-probe (a raw-CDB
// client on the same library, built here from scsi-probe.c) for the interop tests.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/target-process.js';

export interface ToolResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program with a hard timeout; never rejects (a timeout is code null). */
export function runTool(
  cmd: string,
  args: readonly string[],
  timeoutMs = 20_000,
): Promise<ToolResult> {
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      { timeout: timeoutMs, killSignal: 'SIGKILL', encoding: 'utf8', maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : null;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const probeSource = join(repoRoot, 'test', 'e2e', '0100-libiscsi-tools', 'scsi-probe.c');
const probeBinary = join(repoRoot, '.cache', 'interop', 'scsi-probe');

/** Compiles scsi-probe when missing or older than its source; throws with cc's output. */
export function ensureProbe(): string {
  if (existsSync(probeBinary) && statSync(probeBinary).mtimeMs >= statSync(probeSource).mtimeMs) {
    return probeBinary;
  }
  mkdirSync(join(repoRoot, '.cache', 'interop'), { recursive: true });
  const tmp = `${probeBinary}.${process.pid}`;
  const r = spawnSync('cc', ['-O1', '-Wall', '-o', tmp, probeSource, '-liscsi'], {
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    throw new Error(
      `scsi-probe: cc failed (needs cc and libiscsi-dev): ${r.error?.message ?? ''}${r.stderr}`,
    );
  }
  spawnSync('mv', ['-f', tmp, probeBinary]);
  return probeBinary;
}

export interface ProbeReply {
  readonly status: number;
  readonly sk: number;
  readonly asc: number;
  readonly ascq: number;
  /** < 0 underflow (bytes not transferred), > 0 overflow, 0 none. */
  readonly residual: number;
  readonly data: Buffer;
}

export interface ProbeRun {
  readonly login: 'ok' | 'failed';
  readonly loginError?: string;
  readonly replies: readonly ProbeReply[];
  readonly raw: ToolResult;
}

/** One command for scsi-probe: CDB bytes plus data-in length or data-out length (0xa5 bytes). */
export interface ProbeCommand {
  readonly cdb: readonly number[];
  readonly dataIn?: number;
  readonly dataOut?: number;
}

function specOf(c: ProbeCommand): string {
  const hex = Buffer.from(c.cdb).toString('hex');
  return `${hex}${c.dataIn ? `/in=${c.dataIn}` : ''}${c.dataOut ? `/out=${c.dataOut}` : ''}`;
}

/** Logs in once with libiscsi and sends the commands in order on that session. */
export async function probe(
  url: string,
  commands: readonly ProbeCommand[],
  initiator?: string,
): Promise<ProbeRun> {
  const bin = ensureProbe();
  const args = [...(initiator ? ['-i', initiator] : []), url, ...commands.map(specOf)];
  const raw = await runTool(bin, args);
  const lines = raw.stdout.split('\n').filter((l) => l.startsWith('{'));
  const first = lines[0] ? (JSON.parse(lines[0]) as { login?: string; error?: string }) : {};
  const replies: ProbeReply[] = [];
  for (const line of lines.slice(1)) {
    const o = JSON.parse(line) as {
      status?: number;
      sk: number;
      asc: number;
      ascq: number;
      residual: number;
      data: string;
    };
    if (o.status === undefined) break;
    replies.push({
      status: o.status,
      sk: o.sk,
      asc: o.asc,
      ascq: o.ascq,
      residual: o.residual,
      data: Buffer.from(o.data, 'hex'),
    });
  }
  return {
    login: first.login === 'ok' ? 'ok' : 'failed',
    ...(first.error !== undefined ? { loginError: first.error } : {}),
    replies,
    raw,
  };
}

/** `sk/asc/ascq` in hex, as the standards and sg_raw print them (e.g. `7/27/00`). */
export function senseTriple(r: Pick<ProbeReply, 'sk' | 'asc' | 'ascq'>): string {
  const h = (n: number): string => n.toString(16).padStart(2, '0');
  return `${r.sk.toString(16)}/${h(r.asc)}/${h(r.ascq)}`;
}

// CDB builders for the few commands the tool tests send themselves.
export const cdb = {
  inquiry: (evpd: boolean, page: number, alloc = 255): number[] => [
    0x12,
    evpd ? 1 : 0,
    page,
    (alloc >> 8) & 0xff,
    alloc & 0xff,
    0,
  ],
  readCapacity16: (alloc = 32): number[] => [
    0x9e,
    0x10,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    alloc,
    0,
    0,
  ],
  write10: (lba: number, blocks: number): number[] => [
    0x2a,
    0,
    (lba >>> 24) & 0xff,
    (lba >>> 16) & 0xff,
    (lba >>> 8) & 0xff,
    lba & 0xff,
    0,
    (blocks >> 8) & 0xff,
    blocks & 0xff,
    0,
  ],
  read10: (lba: number, blocks: number): number[] => [
    0x28,
    0,
    (lba >>> 24) & 0xff,
    (lba >>> 16) & 0xff,
    (lba >>> 8) & 0xff,
    lba & 0xff,
    0,
    (blocks >> 8) & 0xff,
    blocks & 0xff,
    0,
  ],
  testUnitReady: (): number[] => [0, 0, 0, 0, 0, 0],
};
