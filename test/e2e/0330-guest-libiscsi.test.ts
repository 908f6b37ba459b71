// QEMU on the host attaches zbc-target's LUNs itself through libiscsi (block-iscsi.so): the
// host-managed LUN as scsi-generic (QEMU refuses scsi-block for PDT 14h, guest/guide.md §6) and a
// non-zoned LUN as scsi-block. The guest's sd binds the first as a zoned disk: the zoned scenarios
// and the zoned file systems run on it unchanged.
import { composeScript, runGuest } from './guest/run-guest.js';
import {
  FS_GROUPS,
  HM_GEOMETRY,
  HM_TARGET_ARGS,
  ZONED_GROUPS,
  defineGuestSuite,
  guestImage,
  withTarget,
} from './guest/suite.js';

const HM_IQN = 'iqn.2026-11.dev.zbc-target:e2e-libiscsi-hm';
const PLAIN_IQN = 'iqn.2026-11.dev.zbc-target:e2e-libiscsi-plain';
const INITIATOR = 'iqn.2026-11.dev.zbc-target.e2e:qemu';

defineGuestSuite({
  title: 'guest: LUNs attached by QEMU through libiscsi (scsi-generic HM, scsi-block plain)',
  groups: [...ZONED_GROUPS, ...FS_GROUPS, 'plain'],
  run: () =>
    withTarget([...HM_TARGET_ARGS, '--iqn', HM_IQN], (hm) =>
      withTarget(['--iqn', PLAIN_IQN, '--model', 'none', '--capacity', '256MiB'], (plain) =>
        runGuest({
          image: guestImage(),
          script: composeScript(['zoned.sh', 'filesystems.sh', 'plain-disk.sh']),
          env: { MODE: 'libiscsi', START_ISCSID: 0, PLAIN_SECTORS: 524288, ...HM_GEOMETRY },
          libiscsi: [
            {
              url: `iscsi://127.0.0.1:${hm.port}/${HM_IQN}/0`,
              device: 'scsi-generic',
              initiatorName: INITIATOR,
            },
            { url: `iscsi://127.0.0.1:${plain.port}/${PLAIN_IQN}/0`, device: 'scsi-block' },
          ],
          timeoutMs: 600_000,
        }),
      ),
    ),
});
