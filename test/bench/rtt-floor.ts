// The QD1 round-trip floor, measured in the same run as the targets (issue 13): a 48-byte
// request answered by a 4,144-byte reply over loopback, one at a time, with no storage and no
// SCSI in it. The C client (rtt-floor.c) pings a C echo server and a Node one that answers the
// way our connection does (cork, write header and data, uncork on the next tick), so the QD1
// latency rows can be read against what the loopback and Node's event loop cost by themselves.
import { spawn } from 'node:child_process';
import { execFile } from 'node:child_process';
import { buildBenchTool } from './load-generator.js';

export interface RoundTripSample {
  /** p50 µs, C client to C server; NaN when it failed. */
  readonly cP50Us: number;
  /** p50 µs, C client to a Node server; NaN when it failed. */
  readonly nodeP50Us: number;
  readonly error?: string;
}

const NODE_ECHO = `
const net = require('node:net');
const header = Buffer.alloc(48), data = Buffer.alloc(4096);
const srv = net.createServer({ noDelay: true }, (s) => {
  let pending = 0;
  s.on('data', (chunk) => {
    pending += chunk.length;
    for (; pending >= 48; pending -= 48) {
      s.cork();
      s.write(header);
      s.write(data);
      process.nextTick(() => s.uncork());
    }
  });
  s.on('close', () => srv.close());
});
srv.listen(0, '127.0.0.1', () => process.stdout.write(srv.address().port + '\\n'));
`;

/** Starts a server that prints its port first, pings it `pings` times, returns the p50. */
function pingServer(tool: string, command: string, args: string[], pings: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    const timer = setTimeout(() => {
      server.kill('SIGKILL');
      reject(new Error(`${command}: no port`));
    }, 30_000);
    let out = '';
    server.once('error', reject);
    server.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!out.includes('\n')) return;
      server.stdout.removeAllListeners('data');
      clearTimeout(timer);
      const port = out.split('\n')[0] ?? '';
      execFile(tool, ['ping', port, String(pings)], { timeout: 60_000 }, (err, stdout) => {
        server.kill('SIGKILL');
        try {
          if (err) throw err;
          resolve((JSON.parse(stdout) as { p50_us: number }).p50_us);
        } catch (e) {
          reject(new Error(`rtt-floor ping: ${(e as Error).message}`));
        }
      });
    });
  });
}

export async function measureRoundTripFloor(pings = 10_000): Promise<RoundTripSample> {
  try {
    const tool = buildBenchTool('rtt-floor.c', 'rtt-floor');
    const cP50Us = await pingServer(tool, tool, ['serve'], pings);
    const nodeP50Us = await pingServer(tool, process.execPath, ['-e', NODE_ECHO], pings);
    return { cP50Us, nodeP50Us };
  } catch (e) {
    return { cP50Us: Number.NaN, nodeP50Us: Number.NaN, error: (e as Error).message };
  }
}
