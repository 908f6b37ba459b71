// compose() end to end inside one process: real stores, journal, ZoneModel, SCSI target and iSCSI
// server on 127.0.0.1:0, driven by the mini initiator. close() must leave everything durable.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose } from '../../../src/compose.js';
import { resolveConfig } from '../../../src/config.js';
import { MiniInitiator, senseTriple } from '../../helpers/mini-initiator.js';

const T1 = 'iqn.2026-11.dev.zbc-target:c1';
const T2 = 'iqn.2026-11.dev.zbc-target:c2';
const BS = 4096;
const ZONE = 256; // 1 MiB zones of 4 KiB blocks

describe('compose', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zbc-compose-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const config = () =>
    resolveConfig(
      {
        listen: '127.0.0.1:0',
        targets: [
          {
            name: T1,
            luns: [
              {
                lun: 0,
                backing: 'z.img',
                capacity: '64MiB',
                blockSize: 4096,
                zoneSize: '1MiB',
                conventionalZones: 2,
              },
              { lun: 1, model: 'none', capacity: '16MiB', blockSize: 4096, memory: true },
            ],
          },
          { name: T2, luns: [{ lun: 0, profile: 'ha-small' }] },
        ],
      },
      { baseDir: dir },
    );

  it('serves every target and LUN, and close() persists data and write pointers', async () => {
    const c = await compose(config());
    const { host, port } = c.server.address();
    expect(host).toBe('127.0.0.1');
    expect(c.targets.map((t) => t.name)).toEqual([T1, T2]);
    expect(c.targets[0]?.luns().map((l) => l.lun)).toEqual([0, 1]);
    const ini = await MiniInitiator.login({ host, port, targetName: T1 });
    await ini.clearUnitAttention(0);
    await ini.clearUnitAttention(1);
    const data = Buffer.alloc(3 * BS, 0x5c);
    const w = await ini.write16(2 * ZONE, data, BS);
    expect([w.status, senseTriple(w.sense)]).toEqual([0, null]);
    const unaligned = await ini.write16(2 * ZONE + 10, Buffer.alloc(BS), BS);
    expect([unaligned.status, senseTriple(unaligned.sense)]).toEqual([
      2,
      { key: 5, asc: 0x21, ascq: 0x04 },
    ]);
    const plain = await ini.write16(100, Buffer.alloc(BS, 0x77), BS, { lun: 1 });
    expect(plain.status).toBe(0);
    await ini.close();
    await c.close(); // no SYNCHRONIZE CACHE: a clean shutdown flushes

    const again = await compose(config());
    try {
      const a = again.server.address();
      const ini2 = await MiniInitiator.login({ host: a.host, port: a.port, targetName: T1 });
      await ini2.clearUnitAttention();
      const zones = await ini2.reportZones(2 * ZONE, 1);
      expect(zones[0]).toMatchObject({
        start: 2 * ZONE,
        writePointer: 2 * ZONE + 3,
        condition: 0x4,
      }); // CLOSED
      const r = await ini2.read16(2 * ZONE, 3, BS);
      expect(r.status).toBe(0);
      expect(r.data.equals(data)).toBe(true);
      const mem = await ini2.read16(100, 1, BS, 1);
      expect(mem.data.every((x) => x === 0)).toBe(true); // the memory LUN starts empty
      await ini2.close();
    } finally {
      await again.close();
    }
  });

  it('a refused LUN closes what was opened before it (the backing lock is released)', async () => {
    const cfg = (second: boolean) =>
      resolveConfig(
        {
          listen: '127.0.0.1:0',
          targets: [
            {
              name: T1,
              luns: [
                {
                  lun: 0,
                  backing: 'ok.img',
                  capacity: '8MiB',
                  zoneSize: '1MiB',
                  conventionalZones: 1,
                },
              ],
            },
            ...(second
              ? [
                  {
                    name: T2,
                    luns: [{ lun: 0, backing: 'missing/b.img', capacity: '8MiB', model: 'none' }],
                  },
                ]
              : []),
          ],
        },
        { baseDir: dir },
      );
    await expect(compose(cfg(true))).rejects.toThrow(
      `backing file ${join(dir, 'missing', 'b.img')}: cannot create lock ${join(dir, 'missing', 'b.img')}.zbclock: ENOENT`,
    );
    const ok = await compose(cfg(false)); // would fail with "in use" if the first LUN had leaked
    await ok.close();
  });
});
