import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config.js';
import { openLun } from '../../../src/open-lun.js';
import { FileBlockStore } from '../../../src/storage/file-block-store.js';
import { MemoryBlockStore } from '../../../src/storage/memory-block-store.js';
import { isZoneFault, settled } from '../../helpers/zone-result.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zbc-openlun-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const lunOf = (lun: Record<string, unknown>) => {
  const c = resolveConfig(
    { targets: [{ name: 'iqn.2026-11.t:x', luns: [{ lun: 0, ...lun }] }] },
    { baseDir: dir },
  );
  const l = c.targets[0]?.luns[0];
  if (!l) throw new Error('no lun');
  return l;
};
const small = { capacity: '64MiB', zoneSize: '1MiB', conventionalZones: 2, blockSize: 4096 };

describe('openLun', () => {
  it('a non-zoned memory LUN has a memory store and neither zones nor journal', async () => {
    const o = await openLun(lunOf({ model: 'none', capacity: '1GiB' }));
    expect(o.store).toBeInstanceOf(MemoryBlockStore);
    expect(o.store.byteLength).toBe(2 ** 30);
    expect(o.config.zones).toBeUndefined();
    expect(o.journal).toBeUndefined();
    await o.store.close();
  });

  it('a zoned file LUN creates the backing file and its metadata, and restores zone state', async () => {
    const o = await openLun(lunOf({ ...small, backing: 'd.img' }));
    expect(o.store).toBeInstanceOf(FileBlockStore);
    expect((await stat(join(dir, 'd.img'))).size).toBe(64 * 2 ** 20);
    expect((await stat(join(dir, 'd.img.zbcmeta'))).isFile()).toBe(true);
    const zones = o.config.zones;
    if (!zones || !o.journal) throw new Error('expected zones');
    const plan = settled(zones.planWrite(2 * 256, 10));
    if (isZoneFault(plan)) throw new Error(plan.kind);
    zones.commitWrite(plan);
    await o.store.writev([Buffer.alloc(10 * 4096, 1)], 2 * 256 * 4096);
    zones.writeCompleted(plan);
    await o.store.flush();
    await o.journal.persist(zones.captureDurable());
    await o.journal.close();
    await o.store.close();

    const again = await openLun(lunOf({ ...small, backing: 'd.img' }));
    const z = again.config.zones;
    if (!z) throw new Error('expected zones');
    const next = settled(z.planWrite(2 * 256 + 10, 1));
    expect(isZoneFault(next)).toBe(false); // the WP came back at +10
    const wrong = settled(z.planWrite(2 * 256, 1));
    expect(isZoneFault(wrong) && wrong.kind).toBe('unaligned-write');
    await again.journal?.close();
    await again.store.close();
  });

  it('a geometry change is refused with the metadata error; --format accepts it', async () => {
    const o = await openLun(lunOf({ ...small, backing: 'd.img' }));
    await o.journal?.close();
    await o.store.close();
    const meta = join(dir, 'd.img.zbcmeta');
    await expect(openLun(lunOf({ ...small, zoneSize: '2MiB', backing: 'd.img' }))).rejects.toThrow(
      `metadata ${meta}: zone size 256 blocks (1 MiB) does not match --zone-size 512 blocks (2 MiB) (use --format to re-create)`,
    );
    const f = await openLun(lunOf({ ...small, zoneSize: '2MiB', backing: 'd.img', format: true }));
    expect(f.journal?.loaded).toBeNull();
    await f.journal?.close();
    await f.store.close();
  });

  it('a too-small existing backing file stops the start', async () => {
    await writeFile(join(dir, 'tiny.img'), Buffer.alloc(4096));
    await expect(openLun(lunOf({ ...small, backing: 'tiny.img' }))).rejects.toThrow(
      `backing file ${join(dir, 'tiny.img')} is 4096 bytes, smaller than the capacity 67108864 bytes (not resized; remove it or choose a smaller capacity)`,
    );
  });

  it('read-only zones from the configuration come up READ ONLY', async () => {
    const o = await openLun(lunOf({ ...small, readOnlyZones: [5] }));
    const zones = o.config.zones;
    const plan = settled(zones?.planWrite(5 * 256, 1));
    expect(plan && isZoneFault(plan) && plan.kind).toBe('zone-read-only');
    await o.store.close();
  });
});

describe('openLun with a new backing file next to old metadata', () => {
  it('re-creates the metadata: zone state of a deleted image must not survive', async () => {
    const o = await openLun(lunOf({ ...small, backing: 'd.img' }));
    const zones = o.config.zones;
    const plan = settled(zones?.planWrite(2 * 256, 8));
    if (!zones || !plan || isZoneFault(plan)) throw new Error('no plan');
    zones.commitWrite(plan);
    zones.writeCompleted(plan);
    await o.journal?.persist(zones.captureDurable());
    await o.journal?.close();
    await o.store.close();
    await rm(join(dir, 'd.img'));
    const again = await openLun(lunOf({ ...small, backing: 'd.img' }));
    expect(again.journal?.loaded).toBeNull();
    const first = settled(again.config.zones?.planWrite(2 * 256, 8));
    expect(first && isZoneFault(first)).toBe(false); // zone 2 is EMPTY again
    await again.journal?.close();
    await again.store.close();
  });
});
