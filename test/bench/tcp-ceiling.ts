// The loopback TCP ceiling, measured in the same run as the targets (issue 13): what one TCP
// stream moves on this machine right now, so every MB/s row can say how close it is to the wire.
// Two measurers: a plain Node socket pair (a sender and a sink, two processes, as an initiator
// and a target are) and iperf3 (C, Debian's package) when it is installed.
import { execFile, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';

export interface CeilingSample {
  /** MB/s (10⁶ bytes) of a Node sender into a Node sink over 127.0.0.1; NaN when it failed. */
  readonly nodeMbps: number;
  /** MB/s iperf3 received; NaN when iperf3 is missing or failed. */
  readonly iperfMbps: number;
  /** Why iperf3 gave no number, if it did not. */
  readonly iperfError?: string;
  /** Why the socket pair gave no number, if it did not. */
  readonly nodeError?: string;
}

/** The ceiling a row is compared with: the faster of the two measurers (NaN when both failed). */
export function ceilingOf(s: Pick<CeilingSample, 'nodeMbps' | 'iperfMbps'>): number {
  const got = [s.nodeMbps, s.iperfMbps].filter(Number.isFinite);
  return got.length === 0 ? Number.NaN : Math.max(...got);
}

// The sink counts bytes from the first to the last and prints {bytes, seconds} when the sender
// ends; the sender writes one 1 MiB buffer over and over, honouring back-pressure.
const SINK = `
const net = require('node:net');
const srv = net.createServer((sock) => {
  let bytes = 0, t0 = 0n;
  sock.on('data', (b) => { if (bytes === 0) t0 = process.hrtime.bigint(); bytes += b.length; });
  sock.on('end', () => {
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    process.stdout.write(JSON.stringify({ bytes, seconds }) + '\\n');
    srv.close();
  });
});
srv.listen(0, '127.0.0.1', () => process.stdout.write(srv.address().port + '\\n'));
`;
const SENDER = `
const net = require('node:net');
const [port, seconds] = process.argv.slice(1).map(Number);
const buf = Buffer.alloc(1 << 20, 0xa5);
const sock = net.connect(port, '127.0.0.1', () => {
  const until = Date.now() + seconds * 1000;
  const pump = () => {
    while (Date.now() < until) if (!sock.write(buf)) return void sock.once('drain', pump);
    sock.end();
  };
  pump();
});
`;

function nodeSocketPair(seconds: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const sink = spawn(process.execPath, ['-e', SINK], { stdio: ['ignore', 'pipe', 'inherit'] });
    const timer = setTimeout(
      () => {
        sink.kill('SIGKILL');
        reject(new Error('node socket pair: no result'));
      },
      (seconds + 30) * 1000,
    );
    let out = '';
    let started = false;
    sink.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const lines = out.split('\n');
      if (!started && lines.length > 1) {
        started = true;
        const sender = spawn(process.execPath, ['-e', SENDER, lines[0] ?? '', String(seconds)], {
          stdio: 'ignore',
        });
        sender.on('error', reject);
      }
    });
    sink.on('close', () => {
      clearTimeout(timer);
      try {
        const last = out.trim().split('\n').pop() ?? '';
        const r = JSON.parse(last) as { bytes: number; seconds: number };
        resolve(r.bytes / r.seconds / 1e6);
      } catch {
        reject(new Error(`node socket pair: unexpected output ${JSON.stringify(out)}`));
      }
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function iperf3(seconds: number): Promise<number> {
  if (spawnSync('iperf3', ['--version'], { stdio: 'ignore' }).error) {
    throw new Error('iperf3 is not installed');
  }
  const port = String(await freePort());
  const server = spawn('iperf3', ['-s', '-1', '-B', '127.0.0.1', '-p', port], { stdio: 'ignore' });
  const exited = new Promise<void>((r) => server.once('close', () => r()));
  server.once('error', () => undefined); // reported by the client's failure below
  try {
    let lastError = '';
    // The server needs a moment to listen; the client is retried instead of guessing a delay.
    for (let attempt = 0; attempt < 20; attempt++) {
      const stdout = await new Promise<string>((resolve) => {
        execFile(
          'iperf3',
          ['-c', '127.0.0.1', '-p', port, '-t', String(Math.max(1, Math.round(seconds))), '-J'],
          { timeout: (seconds + 30) * 1000, maxBuffer: 8 << 20 },
          (_err, out) => resolve(out ?? ''),
        );
      });
      try {
        const json = JSON.parse(stdout) as {
          error?: string;
          end?: { sum_received?: { bits_per_second?: number } };
        };
        const bps = json.end?.sum_received?.bits_per_second;
        if (typeof bps === 'number') return bps / 8 / 1e6;
        lastError = json.error ?? 'no sum_received in its JSON';
      } catch {
        lastError = stdout.trim() === '' ? 'iperf3 printed nothing' : 'iperf3 printed no JSON';
      }
      if (!/connect|refused/i.test(lastError)) break;
      await sleep(100);
    }
    throw new Error(lastError);
  } finally {
    server.kill('SIGKILL');
    await exited;
  }
}

/**
 * One sample of both measurers, one after the other (never at once: they would share the CPUs).
 * A measurer that fails leaves a gap and its reason; the benchmark goes on.
 */
export async function measureTcpCeiling(seconds: number): Promise<CeilingSample> {
  const failed = (err: unknown): { value: number; error: string } => ({
    value: Number.NaN,
    error: err instanceof Error ? err.message : String(err),
  });
  const node = await nodeSocketPair(seconds).then((value) => ({ value, error: undefined }), failed);
  const iperf = await iperf3(seconds).then((value) => ({ value, error: undefined }), failed);
  return {
    nodeMbps: node.value,
    iperfMbps: iperf.value,
    ...(node.error === undefined ? {} : { nodeError: node.error }),
    ...(iperf.error === undefined ? {} : { iperfError: iperf.error }),
  };
}
