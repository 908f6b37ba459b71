// iSCSI sessions from a Linux initiator (open-iscsi in the guest) against zbc-target: discovery,
// login without and with CHAP (a wrong secret fails), direct I/O, logout and re-login, and a target
// restart and a crash (SIGKILL) while logged in (file backing, same port: the initiator recovers,
// and the data and write pointers made durable by SYNCHRONIZE CACHE are intact), and CRC32C
// header and data digests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTargetProcess, type TargetProcess } from '../helpers/target-process.js';
import { composeScript, runGuest } from './guest/run-guest.js';
import {
  HM_TARGET_ARGS,
  defineGuestSuite,
  guestImage,
  hostSideFailure,
  portalFor,
  restartOnMarkers,
} from './guest/suite.js';

const CHAP = { user: 'zbc-guest', secret: 'sixteen-chars-ok' };
const PLAIN_IQN = 'iqn.2026-11.dev.zbc-target:e2e-session';
const CHAP_IQN = 'iqn.2026-11.dev.zbc-target:e2e-chap';

defineGuestSuite({
  title: 'guest: iSCSI session life cycle through open-iscsi',
  groups: ['discovery', 'login', 'io', 'logout', 'relogin', 'restart', 'crash', 'chap', 'digest'],
  run: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zbc-e2e-session-'));
    const backing = join(dir, 'disk.img');
    const plainArgs = [...HM_TARGET_ARGS, '--iqn', PLAIN_IQN, '--backing', backing];
    const holder: { target: TargetProcess | undefined; error?: unknown } = { target: undefined };
    let chap: TargetProcess | undefined;
    try {
      holder.target = await startTargetProcess(plainArgs);
      chap = await startTargetProcess([
        '--iqn',
        CHAP_IQN,
        '--chap-user',
        CHAP.user,
        '--chap-secret',
        CHAP.secret,
      ]);
      const result = await runGuest({
        image: guestImage(),
        script: composeScript(['session.sh'], { attach: false }),
        env: {
          PORTAL: portalFor(holder.target),
          IQN: PLAIN_IQN,
          CHAP_PORTAL: portalFor(chap),
          CHAP_IQN,
          CHAP_USER: CHAP.user,
          CHAP_SECRET: CHAP.secret,
        },
        timeoutMs: 420_000,
        // Clean stop (SIGINT) or crash (SIGKILL), then the same target on the same port and file.
        onLine: restartOnMarkers(holder, plainArgs, {
          '@@RESTART_TARGET': 'SIGINT',
          '@@CRASH_TARGET': 'SIGKILL',
        }),
      });
      if (holder.error) result.checks.push(hostSideFailure(holder.error));
      return result;
    } finally {
      await holder.target?.stop();
      await chap?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
});
