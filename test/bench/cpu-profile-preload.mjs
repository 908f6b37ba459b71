// Loaded into our target with NODE_OPTIONS=--import (node refuses --cpu-prof in NODE_OPTIONS):
// starts V8's sampling profiler at startup and writes a .cpuprofile, like --cpu-prof, into
// $ZBC_CPU_PROF_DIR when the process exits. The main-thread inspector session answers
// synchronously, so the profile is written inside the 'exit' handler.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const dir = process.env.ZBC_CPU_PROF_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  process.on('exit', () => {
    session.post('Profiler.stop', (err, result) => {
      if (err || !result) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `zbc-target-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
