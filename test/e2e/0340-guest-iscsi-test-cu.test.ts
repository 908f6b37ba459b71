// libiscsi 1.20's iscsi-test-cu (newer than the host's 1.19: iSCSISendTargets, iSCSINop, iSCSICHAP,
// iSCSITMF.LogoutDuringIOAsync) run inside the guest against zbc-target's plain LU, the iSCSI
// family, with --dataloss. One check per test; a hang is a failure, not a stuck suite.
import { composeScript, runGuest } from './guest/run-guest.js';
import { defineGuestSuite, guestImage, withTarget } from './guest/suite.js';

const IQN = 'iqn.2026-11.dev.zbc-target:e2e-cu';
const WHY_SENDTARGETS =
  'libiscsi 1.20 expects SendTargets=All in a normal session; RFC 3720 App. D / RFC 7143 App. C: All MUST NOT be supported in an operational session (tgt fails it too)';

defineGuestSuite({
  title: 'guest: iscsi-test-cu 1.20 iSCSI family against zbc-target',
  groups: ['cu'],
  run: () =>
    withTarget(['--iqn', IQN, '--model', 'none', '--capacity', '256MiB'], (t) =>
      runGuest({
        image: guestImage(),
        script: composeScript(['iscsi-test-cu.sh'], { attach: false }),
        env: { CU_URL: `iscsi://10.0.2.2:${t.port}/${IQN}/0`, CU_TESTS: 'iSCSI', CU_TIMEOUT: 20 },
        timeoutMs: 600_000,
      }),
    ),
  deviations: {
    'cu.iSCSI.iSCSISendTargets.Simple': {
      detail: /test_iscsi_sendtargets\.c/,
      why: WHY_SENDTARGETS,
    },
    'cu.iSCSI.iSCSISendTargets.Invalid': {
      detail: /timed out|status/,
      why: `${WHY_SENDTARGETS}; libiscsi also reconnects on the NotUnderstood answer and never sends the next request (docs/interop.md)`,
    },
  },
});
