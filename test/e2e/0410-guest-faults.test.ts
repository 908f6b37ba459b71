// Faults injected through the control API while Linux uses the disk (issue 10): OFFLINE zones,
// medium errors on an LBA range, added latency, a dropped connection. The guest asks the host to
// call the API ("@@API METHOD PATH [JSON]") and reads back the HTTP status and answer.
import { composeScript, runGuest } from './guest/run-guest.js';
import {
  HM_GEOMETRY,
  HM_TARGET_ARGS,
  defineGuestSuite,
  guestImage,
  portalFor,
  withTarget,
} from './guest/suite.js';

const API_LINE = /^@@API (GET|POST|DELETE) (\S+)(?: (.*))?$/;

defineGuestSuite({
  title: 'guest: faults injected at run time, seen through open-iscsi',
  groups: ['offline', 'medium', 'latency', 'drop'],
  run: () =>
    withTarget([...HM_TARGET_ARGS, '--admin', '127.0.0.1:0'], (t) => {
      const m = /control server on (http:\/\/\S+?)\/?$/m.exec(t.output().stdout);
      if (!m) throw new Error(`no control server line in: ${t.output().stdout}`);
      const base = m[1] as string;
      const run = runGuest({
        image: guestImage(),
        script: composeScript(['faults.sh']),
        env: {
          MODE: 'iscsi',
          PORTAL: portalFor(t),
          IQN: t.iqns[0] ?? 'iqn.2026-11.dev.zbc-target:default',
          LUN: 0,
          ...HM_GEOMETRY,
        },
        timeoutMs: 600_000,
        onLine: (line, reply) => {
          const call = API_LINE.exec(line.trim());
          if (!call) return;
          const [, method, path, body] = call;
          void fetch(base + path, {
            method: method as string,
            ...(body ? { headers: { 'content-type': 'application/json' }, body } : {}),
          }).then(
            // The status, then the answer on one line (the guest reads one line).
            async (res) => reply(`${res.status} ${(await res.text()).replace(/\s+/g, ' ')}\n`),
            (e: unknown) => reply(`error ${String(e)}\n`),
          );
        },
      });
      // The measured latencies, for the log of the run.
      return run.then((r) => {
        for (const line of r.output.split('\n')) if (line.includes('fio clat')) console.log(line);
        return r;
      });
    }),
});
