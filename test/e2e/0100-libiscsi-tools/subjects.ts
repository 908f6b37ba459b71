// The two targets the interop tests compare: ours (`node dist/src/main.js`) and a private tgtd.
// Each "subject" offers an open target (a plain disk, plus for ours a host-managed LUN), a target
// that requires CHAP and a target with an initiator ACL, started on free 127.0.0.1 ports.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { iscsiUrl, startTgt, type TgtCredentials } from '../../helpers/tgt.js';
import { startTargetProcess } from '../../helpers/target-process.js';

export const MiB = 1024 * 1024;
export const DISK_BYTES = 64 * MiB;
export const BLOCK = 512;
export const CHAP: TgtCredentials = { user: 'zbc-interop', secret: 'interop-secret-0123' };
export const ALLOWED_INITIATOR = 'iqn.2026-11.dev.zbc-target.test:allowed';
export const OTHER_INITIATOR = 'iqn.2026-11.dev.zbc-target.test:someone-else';

/** Geometry of our host-managed LUN (LUN 1 of the open target). */
export const HM = {
  lun: 1,
  capacityBytes: 64 * MiB,
  zoneBytes: 4 * MiB,
  conventionalZones: 2,
  maxOpen: 4,
} as const;

export interface Portal {
  readonly host: string;
  readonly port: number;
  readonly iqn: string;
  url(lun: number, chap?: TgtCredentials): string;
  stop(): Promise<void>;
}

export interface Subject {
  readonly label: 'ours' | 'tgt';
  /** LUN of the plain 64 MiB disk with 512-byte blocks. */
  readonly diskLun: number;
  readonly open: Portal;
  readonly chap: Portal;
  readonly acl: Portal;
  stop(): Promise<void>;
}

async function tgtPortal(opts: Parameters<typeof startTgt>[0]): Promise<Portal> {
  const t = await startTgt({ capacityBytes: DISK_BYTES, blockSize: BLOCK, ...opts });
  return {
    host: t.host,
    port: t.port,
    iqn: t.iqn,
    url: (lun, chap) => t.url({ lun, ...(chap ? { chap } : {}) }),
    stop: () => t.stop(),
  };
}

/** Starts the open, CHAP and ACL portals in order; if one fails, stops those already running. */
async function startSubject(
  label: Subject['label'],
  diskLun: number,
  starters: readonly [
    open: () => Promise<Portal>,
    chap: () => Promise<Portal>,
    acl: () => Promise<Portal>,
  ],
): Promise<Subject> {
  const started: Portal[] = [];
  const stop = async (): Promise<void> => {
    await Promise.allSettled(started.map((p) => p.stop()));
  };
  try {
    for (const start of starters) started.push(await start());
  } catch (e) {
    await stop();
    throw e;
  }
  const [open, chap, acl] = started as [Portal, Portal, Portal];
  return { label, diskLun, open, chap, acl, stop };
}

export function startTgtSubject(): Promise<Subject> {
  return startSubject('tgt', 1, [
    () => tgtPortal({ iqn: 'iqn.2026-11.dev.zbc-target.test:tgt-open' }),
    () => tgtPortal({ iqn: 'iqn.2026-11.dev.zbc-target.test:tgt-chap', chap: CHAP }),
    () =>
      tgtPortal({
        iqn: 'iqn.2026-11.dev.zbc-target.test:tgt-acl',
        initiators: [ALLOWED_INITIATOR],
      }),
  ]);
}

async function oursPortal(
  args: readonly string[],
  iqn: string,
  cleanup?: () => Promise<void>,
): Promise<Portal> {
  const p = await startTargetProcess(args);
  return {
    host: p.host,
    port: p.port,
    iqn,
    url: (lun, chap) => iscsiUrl(p.host, p.port, iqn, lun, chap),
    stop: async () => {
      await p.stop();
      await cleanup?.();
    },
  };
}

export const OURS_OPEN_IQN = 'iqn.2026-11.dev.zbc-target.test:ours-open';

export async function startOursSubject(): Promise<Subject> {
  // Two LUNs need the config file; CHAP and ACL targets use the plain flags.
  const dir = await mkdtemp(join(tmpdir(), 'zbc-interop-'));
  const config = join(dir, 'config.json');
  await writeFile(
    config,
    JSON.stringify(
      {
        targets: [
          {
            name: OURS_OPEN_IQN,
            luns: [
              {
                lun: 0,
                memory: true,
                capacity: DISK_BYTES,
                blockSize: BLOCK,
                model: 'none',
                serial: 'INTEROP-DISK',
              },
              {
                lun: HM.lun,
                memory: true,
                capacity: HM.capacityBytes,
                blockSize: BLOCK,
                model: 'host-managed',
                zoneSize: HM.zoneBytes,
                conventionalZones: HM.conventionalZones,
                maxOpen: HM.maxOpen,
                serial: 'INTEROP-HM',
              },
            ],
          },
        ],
      },
      null,
      2,
    ),
  );
  const plain = [
    '--memory',
    '--capacity',
    String(DISK_BYTES),
    '--block-size',
    String(BLOCK),
    '--model',
    'none',
  ];
  const chapIqn = 'iqn.2026-11.dev.zbc-target.test:ours-chap';
  const aclIqn = 'iqn.2026-11.dev.zbc-target.test:ours-acl';
  return startSubject('ours', 0, [
    () =>
      oursPortal(['--config', config], OURS_OPEN_IQN, () =>
        rm(dir, { recursive: true, force: true }),
      ),
    () =>
      oursPortal(
        [...plain, '--iqn', chapIqn, '--chap-user', CHAP.user, '--chap-secret', CHAP.secret],
        chapIqn,
      ),
    () => oursPortal([...plain, '--iqn', aclIqn, '--initiator', ALLOWED_INITIATOR], aclIqn),
  ]);
}
