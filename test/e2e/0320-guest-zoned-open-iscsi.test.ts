// The zoned scenarios of issue #4 against zbc-target's host-managed LUN, attached by the guest's
// open-iscsi (kernel initiator): sd_zbc, blkzone, sg3_utils, fio --zonemode=zbd and zoned file systems.
import { composeScript, runGuest } from './guest/run-guest.js';
import {
  FS_GROUPS,
  HM_GEOMETRY,
  HM_TARGET_ARGS,
  ZONED_GROUPS,
  defineGuestSuite,
  guestImage,
  portalFor,
  withTarget,
} from './guest/suite.js';

defineGuestSuite({
  title: 'guest: zoned scenarios on zbc-target through open-iscsi',
  groups: [...ZONED_GROUPS, ...FS_GROUPS],
  run: () =>
    withTarget(HM_TARGET_ARGS, (t) =>
      runGuest({
        image: guestImage(),
        script: composeScript(['zoned.sh', 'filesystems.sh']),
        env: {
          MODE: 'iscsi',
          PORTAL: portalFor(t),
          IQN: t.iqns[0] ?? 'iqn.2026-11.dev.zbc-target:default',
          LUN: 0,
          ...HM_GEOMETRY,
        },
        timeoutMs: 600_000,
      }),
    ),
});
