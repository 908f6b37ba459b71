#!/usr/bin/env node
// Entry point: parse flags (or a config file), compose stores, zone models, SCSI targets and the
// iSCSI server, print how to attach, and shut down cleanly on SIGINT/SIGTERM.
import { runCtl } from './admin/ctl.js';
import { portal, startupLines } from './attach-help.js';
import { parseCli } from './cli.js';
import { type Composed, compose } from './compose.js';
import { installShutdown } from './shutdown.js';

async function main(argv: readonly string[]): Promise<number | null> {
  if (argv[0] === 'ctl') return runCtl(argv.slice(1));
  const parsed = parseCli(argv);
  if (parsed.kind === 'exit') {
    if (parsed.stdout) process.stdout.write(parsed.stdout);
    if (parsed.stderr) process.stderr.write(parsed.stderr);
    return parsed.code;
  }
  const { config } = parsed;
  let composed: Composed;
  try {
    composed = await compose(config);
  } catch (e) {
    // Storage, metadata and bind errors are one line naming the problem.
    const err = e as NodeJS.ErrnoException;
    const what =
      err.code === 'EADDRINUSE' || err.code === 'EACCES' || err.code === 'EADDRNOTAVAIL'
        ? `cannot listen on ${config.listen.host}:${config.listen.port}: ${err.code}`
        : (err.message ?? String(e));
    process.stderr.write(`zbc-target: ${what}\n`);
    if (!(e instanceof Error) || !('code' in e))
      process.stderr.write(`${(e as Error)?.stack ?? ''}\n`);
    return 1;
  }
  installShutdown({ close: () => composed.close() });
  const { host, port } = composed.server.address();
  const lines = startupLines(config, host, port);
  const admin = composed.control?.adminAddress;
  if (admin !== undefined) {
    lines.push(`zbc-target: control server on http://${portal(admin.host, admin.port)}/`);
  }
  // One write: a reader that waits for the listening line sees the control server line too.
  process.stdout.write(`${lines.join('\n')}\n`);
  return null; // keep running until a signal
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== null) process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(
      `zbc-target: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    process.exitCode = 1;
  },
);
