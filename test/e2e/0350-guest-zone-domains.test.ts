// Zone domains and realms (ZBC-2) from a Linux guest: the guest's open-iscsi attaches two
// zone-domains LUNs of profile zd-hybrid (LUN 0 file-backed, libzbc's ZONE ACTIVATE layout; LUN 1
// in memory, the zbc2r12 layout sg_z_act_query speaks), then sg3_utils 1.48 reads VPD B6h, REPORT
// ZONE DOMAINS, REPORT REALMS, REPORT ZONES (INACTIVE, statistics) and the Zone Domains mode page,
// raw ZONE ACTIVATE / ZONE QUERY CDBs go through sg_raw with their exact results, and an
// activation survives a target crash (SIGKILL) and restart on the same port and backing file.
// LUN 2 is the same profile behind the SATA interface: its ZAC-2 face (log 30h page 09h, ZAC
// MANAGEMENT IN REPORT REALMS / REPORT ZONE DOMAINS / ZONE QUERY / ZONE ACTIVATE, SET FEATURES
// 46h/48h) through raw ATA PASS-THROUGH(16) CDBs and sg_sat_read_gplog.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTargetProcess, type TargetProcess } from '../helpers/target-process.js';
import { composeScript, runGuest } from './guest/run-guest.js';
import {
  defineGuestSuite,
  guestImage,
  hostSideFailure,
  portalFor,
  restartOnMarkers,
} from './guest/suite.js';

const IQN = 'iqn.2026-11.dev.zbc-target:e2e-domains';

defineGuestSuite({
  title: 'guest: zone domains and realms through open-iscsi and sg3_utils',
  groups: [
    'attach',
    'vpd',
    'domains',
    'realms',
    'rep_zones',
    'mode',
    'activate',
    'query',
    'rules',
    'restart',
    'zbc2r12',
    'ata_zd',
  ],
  run: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zbc-e2e-domains-'));
    const config = join(dir, 'targets.json');
    writeFileSync(
      config,
      JSON.stringify({
        targets: [
          {
            name: IQN,
            luns: [
              { lun: 0, model: 'zone-domains', backing: join(dir, 'zd.img') },
              { lun: 1, model: 'zone-domains', memory: true, activateLayout: 'zbc2r12' },
              { lun: 2, model: 'zone-domains', memory: true, interface: 'sata' },
            ],
          },
        ],
      }),
    );
    const args = ['--config', config];
    const holder: { target: TargetProcess | undefined; error?: unknown } = { target: undefined };
    try {
      holder.target = await startTargetProcess(args);
      const result = await runGuest({
        image: guestImage(),
        script: composeScript(['domains.sh', 'sata-lib.sh', 'sata-domains.sh'], {
          attach: false,
        }),
        env: { PORTAL: portalFor(holder.target), IQN },
        timeoutMs: 420_000,
        onLine: restartOnMarkers(holder, args, { '@@CRASH_TARGET': 'SIGKILL' }),
      });
      if (holder.error) result.checks.push(hostSideFailure(holder.error));
      return result;
    } finally {
      await holder.target?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
});
