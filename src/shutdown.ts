// SIGINT/SIGTERM: Async logout to every session (server.close()), flush every LU (data, then zone
// state), close journals and stores, exit 0. A second signal exits at once (status 130), for the
// operator whose disk hangs.
import createDebug from 'debug';

const log = createDebug('zbc:src');

export interface ShutdownOptions {
  readonly close: () => Promise<void>;
  readonly exit?: (code: number) => void;
  readonly write?: (line: string) => void;
  readonly signals?: readonly NodeJS.Signals[];
}

/** Installs the handlers; returns a function that removes them (tests). */
export function installShutdown(opts: ShutdownOptions): () => void {
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const write = opts.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const signals = opts.signals ?? (['SIGINT', 'SIGTERM'] as const);
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      write(`zbc-target: second ${signal}, exiting without flushing`);
      exit(130);
      return;
    }
    stopping = true;
    write(`zbc-target: ${signal} received, logging out sessions and flushing`);
    opts.close().then(
      () => {
        log('clean shutdown');
        write('zbc-target: stopped');
        exit(0);
      },
      (err: unknown) => {
        write(`zbc-target: shutdown failed: ${err instanceof Error ? err.message : String(err)}`);
        exit(1);
      },
    );
  };
  for (const s of signals) process.on(s, onSignal);
  return () => {
    for (const s of signals) process.off(s, onSignal);
  };
}
