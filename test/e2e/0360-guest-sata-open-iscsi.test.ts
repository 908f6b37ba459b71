// SATA LUs (interface sata: the SCSI face of a SATA drive behind a SATL) through the guest's
// open-iscsi: sg3_utils' ATA PASS-THROUGH tools, sg_vpd, hdparm, smartctl and udev's ata_id on a
// host-managed, a host-aware and a non-zoned LU; raw ZAC commands and the zoned block layer on
// the host-managed one. Then the host-managed LU attached by QEMU's libiscsi as scsi-generic.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeScript, runGuest } from './guest/run-guest.js';
import {
  defineGuestSuite,
  guestImage,
  HM_GEOMETRY,
  HM_TARGET_ARGS,
  portalFor,
  withTarget,
} from './guest/suite.js';

const IQN = 'iqn.2026-11.dev.zbc-target:sata';
const HA_MAX_OPEN = 16;

const config = {
  listen: '127.0.0.1:0',
  targets: [
    {
      name: IQN,
      luns: [
        {
          lun: 0,
          memory: true,
          interface: 'sata',
          model: 'host-managed',
          capacity: '1GiB',
          zoneSize: '4MiB',
          conventionalZones: HM_GEOMETRY.NR_CONV,
          maxOpen: HM_GEOMETRY.MAX_OPEN,
          blockSize: 512,
          physicalBlockSize: 4096,
        },
        {
          lun: 1,
          memory: true,
          interface: 'sata',
          model: 'host-aware',
          capacity: '256MiB',
          zoneSize: '4MiB',
          conventionalZones: 2,
          maxOpen: HA_MAX_OPEN,
        },
        { lun: 2, memory: true, interface: 'sata', model: 'none', capacity: '64MiB' },
      ],
    },
  ],
};

defineGuestSuite({
  title: 'guest: SATA LUs (ATA PASS-THROUGH, ZAC) through open-iscsi',
  groups: ['ata_hm', 'ata_ha', 'ata_none', 'zac', 'sata_zbd'],
  run: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zbc-sata-'));
    const path = join(dir, 'sata.json');
    writeFileSync(path, JSON.stringify(config));
    try {
      return await withTarget(['--config', path], (t) =>
        runGuest({
          image: guestImage(),
          script: composeScript(['sata-lib.sh', 'sata.sh']),
          env: { MODE: 'iscsi', PORTAL: portalFor(t), IQN, LUN: 0, HA_MAX_OPEN, ...HM_GEOMETRY },
          timeoutMs: 600_000,
        }),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
});

const QEMU_IQN = 'iqn.2026-11.dev.zbc-target:sata-qemu';

defineGuestSuite({
  title: 'guest: a SATA host-managed LU attached by QEMU through libiscsi (scsi-generic)',
  groups: ['qemu_sata'],
  run: () =>
    withTarget([...HM_TARGET_ARGS, '--interface', 'sata', '--iqn', QEMU_IQN], (t) =>
      runGuest({
        image: guestImage(),
        script: composeScript(['sata-lib.sh', 'sata-qemu.sh']),
        env: { MODE: 'libiscsi', START_ISCSID: 0, ...HM_GEOMETRY },
        libiscsi: { url: `iscsi://127.0.0.1:${t.port}/${QEMU_IQN}/0`, device: 'scsi-generic' },
        timeoutMs: 600_000,
      }),
    ),
});
