// Nested mode (`npm run test:nested`, 5-10 minutes): the guest logs in to zbc-target's host-managed
// LUN with open-iscsi and runs trixie's QEMU inside, which hands /dev/sdX to a second guest as
// virtio-scsi scsi-block and as zoned virtio-blk (test/e2e/guest/guide.md). The same paths on
// scsi_debug give the reference.
import { buildGuest } from '../e2e/guest/build-guest.js';
import { composeScript, runGuest } from '../e2e/guest/run-guest.js';
import {
  HM_GEOMETRY,
  HM_TARGET_ARGS,
  SCSI_DEBUG_GEOMETRY,
  SCSI_DEBUG_PARAMS,
  defineGuestSuite,
  portalFor,
  withTarget,
} from '../e2e/guest/suite.js';

const GROUPS = ['scsiblock', 'virtioblk'];
const nestedImage = () => buildGuest({ nested: true });

defineGuestSuite({
  title: 'nested: zoned pass-through of a scsi_debug disk (reference)',
  groups: GROUPS,
  run: () =>
    runGuest({
      image: nestedImage(),
      script: composeScript(['nested.sh']),
      env: { MODE: 'scsi_debug', SCSI_DEBUG_PARAMS, ...SCSI_DEBUG_GEOMETRY },
      memoryMb: 3072,
      timeoutMs: 1_200_000,
    }),
});

defineGuestSuite({
  title: 'nested: zoned pass-through of zbc-target through open-iscsi',
  groups: GROUPS,
  run: () =>
    withTarget(HM_TARGET_ARGS, (t) =>
      runGuest({
        image: nestedImage(),
        script: composeScript(['nested.sh']),
        env: {
          MODE: 'iscsi',
          PORTAL: portalFor(t),
          IQN: t.iqns[0] ?? 'iqn.2026-11.dev.zbc-target:default',
          ...HM_GEOMETRY,
        },
        memoryMb: 3072,
        timeoutMs: 1_200_000,
      }),
    ),
});
