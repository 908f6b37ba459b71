// Loaded into our target with NODE_OPTIONS=--import (node refuses --cpu-prof in NODE_OPTIONS):
// runs V8's sampling profiler and writes a .cpuprofile, like --cpu-prof, into $ZBC_CPU_PROF_DIR
// when the process exits. With ZBC_CPU_PROF_ON_SIGNAL=1 it starts at the first SIGUSR2 instead of
// at startup, so the bench can leave the prefill out of the profile. The main-thread inspector
// session answers synchronously, so the profile is written inside the 'exit' handler.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const dir = process.env.ZBC_CPU_PROF_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    session.post('Profiler.start');
  };
  if (process.env.ZBC_CPU_PROF_ON_SIGNAL === '1') process.on('SIGUSR2', start);
  else start();
  process.on('exit', () => {
    if (!started) return;
    session.post('Profiler.stop', (err, result) => {
      if (err || !result) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        join(dir, `zbc-target-${process.pid}.cpuprofile`),
        JSON.stringify(result.profile),
      );
    });
  });
}
