// A backing file on a file system that fills up (a size-limited tmpfs this test mounts, so it
// needs root; skipped otherwise). Through a real iSCSI session (test/helpers/mini-initiator.ts):
//   * a write that cannot be stored answers 3/0C/00 WRITE ERROR on the zoned LU (fully
//     provisioned) and 7/27/07 SPACE ALLOCATION FAILED WRITE PROTECT on the thin non-zoned LU;
//   * it changes no write pointer and no condition, and its blocks read as zeros: neither the data
//     from before a RESET WRITE POINTER still in the file nor the part of the write that landed;
//   * writes queued behind it in the same zone fail too (none is acknowledged past the WP);
//   * after space is freed the host writes at the WP it reads back, and after a restart (clean
//     or SIGKILL) the write pointers are those of the acknowledged writes, never past them.
import { SMALL_HOST_MANAGED_4K } from '../../helpers/target-process.js';
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MiniInitiator, type ScsiResult, senseTriple } from '../../helpers/mini-initiator.js';
import { type TargetProcess, startTargetProcess } from '../../helpers/target-process.js';

const BS = 4096;
const ZONE = 256; // 1 MiB zones
const zs = (i: number): number => i * ZONE;
const ZONED = SMALL_HOST_MANAGED_4K;
const PLAIN = ['--capacity', '32MiB', '--block-size', '4096', '--model', 'none'];
const COND = { EMPTY: 0x1, IOPEN: 0x2, CLOSED: 0x4 } as const;
const WRITE_ERROR = { key: 0x3, asc: 0x0c, ascq: 0x00 };
const UNALIGNED_WRITE = { key: 0x5, asc: 0x21, ascq: 0x04 };
const SPACE_ALLOCATION_FAILED = { key: 0x7, asc: 0x27, ascq: 0x07 };

const isRoot = process.getuid?.() === 0;

function pattern(blocks: number, seed: number): Buffer {
  const b = Buffer.alloc(blocks * BS);
  for (let i = 0; i < b.length; i++) b[i] = (seed * 131 + i * 7 + 1) & 0xff || 1;
  return b;
}

function expectGood(r: ScsiResult, what: string): void {
  expect(r.status, `${what}: sense ${JSON.stringify(senseTriple(r.sense))}`).toBe(0);
}

function expectSense(
  r: ScsiResult,
  what: string,
  ...allowed: { key: number; asc: number; ascq: number }[]
): void {
  expect(r.status, what).toBe(2);
  expect(allowed, `${what}: sense`).toContainEqual(senseTriple(r.sense));
}

/** Fills the file system holding `dir` with one file, to the last free block; returns its path. */
function fill(dir: string): string {
  const path = join(dir, 'filler');
  const fd = openSync(path, 'a');
  try {
    for (const chunk of [Buffer.alloc(256 * 1024, 0xee), Buffer.alloc(4096, 0xee)]) {
      for (;;) {
        try {
          writeSync(fd, chunk);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw e;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return path;
}

describe.skipIf(!isRoot)('a backing file system that fills up', () => {
  let dir = '';
  let mounted = false;
  const targets: TargetProcess[] = [];
  const sessions: MiniInitiator[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zbc-fullfs-'));
    const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m,mode=0700', 'tmpfs', dir], {
      encoding: 'utf8',
    });
    if (m.status !== 0) throw new Error(`mount -t tmpfs failed: ${m.stderr.trim()}`);
    mounted = true;
  });

  afterAll(async () => {
    for (const s of sessions) s.destroy();
    for (const t of targets) await t.kill('SIGKILL');
    if (mounted) spawnSync('umount', [dir]);
    await rm(dir, { recursive: true, force: true });
  });

  async function start(
    args: readonly string[],
  ): Promise<{ target: TargetProcess; ini: MiniInitiator }> {
    const target = await startTargetProcess(args);
    targets.push(target);
    const ini = await MiniInitiator.login({
      host: target.host,
      port: target.port,
      targetName: target.iqns[0] as string,
    });
    sessions.push(ini);
    await ini.clearUnitAttention();
    return { target, ini };
  }

  async function zone(ini: MiniInitiator, i: number): Promise<{ condition: number; wp: number }> {
    const [d] = await ini.reportZones(zs(i), 1);
    if (d === undefined || d.start !== zs(i)) throw new Error(`REPORT ZONES: no zone ${i}`);
    return { condition: d.condition, wp: d.writePointer - zs(i) };
  }

  async function expectZeros(
    ini: MiniInitiator,
    lba: number,
    blocks: number,
    what: string,
  ): Promise<void> {
    const r = await ini.read16(lba, blocks, BS);
    expectGood(r, what);
    const firstNonZero = r.data.findIndex((x) => x !== 0);
    expect(firstNonZero, `${what}: first non-zero byte`).toBe(-1);
  }

  it('failed writes change no zone, expose no data, and restarts agree', async () => {
    const backing = join(dir, 'zoned.img');
    const args = ['--backing', backing, ...ZONED];
    let { target, ini } = await start(args);
    const plain = await start(['--backing', join(dir, 'plain.img'), ...PLAIN]);

    // Old data in zone 2, then a durable RESET: the file keeps the old blocks.
    expectGood(await ini.write16(zs(2), pattern(8, 1), BS), 'first write');
    expectGood(await ini.synchronizeCache(), 'SYNCHRONIZE CACHE');
    expectGood(await ini.resetWritePointer(zs(2)), 'RESET WRITE POINTER');
    const filler = fill(dir);

    // 16 blocks: the first 8 overwrite blocks the file already has, the rest find no space.
    expectSense(
      await ini.write16(zs(2), pattern(16, 2), BS),
      'write on a full file system',
      WRITE_ERROR,
    );
    expect(await zone(ini, 2)).toEqual({ condition: COND.EMPTY, wp: 0 });
    await expectZeros(ini, zs(2), 16, 'zone 2 after the failed write');

    // Three writes queued to one zone: none is acknowledged, the zone stays EMPTY.
    const queued = await Promise.all(
      [0, 8, 16].map((o) => ini.write16(zs(3) + o, pattern(8, 3 + o), BS)),
    );
    expectSense(queued[0] as ScsiResult, 'first queued write', WRITE_ERROR);
    for (const r of queued.slice(1))
      expectSense(r, 'later queued write', WRITE_ERROR, UNALIGNED_WRITE);
    expect(await zone(ini, 3)).toEqual({ condition: COND.EMPTY, wp: 0 });
    await expectZeros(ini, zs(3), 24, 'zone 3 after the failed writes');

    // The thin provisioned LU reports the same exhaustion as SPACE ALLOCATION FAILED.
    expectSense(
      await plain.ini.write16(0, pattern(64, 9), BS),
      'thin LU write',
      SPACE_ALLOCATION_FAILED,
    );

    // Space again: the host writes at the WP it read back.
    rmSync(filler);
    expectGood(await ini.write16(zs(2), pattern(16, 4), BS), 'write after freeing space');
    expectGood(await ini.synchronizeCache(), 'SYNCHRONIZE CACHE');
    expect(await zone(ini, 2)).toEqual({ condition: COND.IOPEN, wp: 16 });

    // Full again, a failed write above the WP, then SIGKILL: the restart shows the flushed WP.
    const filler2 = fill(dir);
    expectSense(
      await ini.write16(zs(2) + 16, pattern(64, 5), BS),
      'write past the space',
      WRITE_ERROR,
    );
    expect(await zone(ini, 2)).toEqual({ condition: COND.IOPEN, wp: 16 });
    await target.kill('SIGKILL');
    rmSync(filler2); // the restart writes its lock file
    ({ target, ini } = await start(args));
    expect(await zone(ini, 2)).toEqual({ condition: COND.CLOSED, wp: 16 });
    expect(await zone(ini, 3)).toEqual({ condition: COND.EMPTY, wp: 0 });
    const back = await ini.read16(zs(2), 16, BS);
    expectGood(back, 'read after restart');
    expect(back.data.equals(pattern(16, 4))).toBe(true);
    await expectZeros(ini, zs(2) + 16, 64, 'above the WP after restart');

    // Full once more, a failed write, then a clean stop: the journal holds the same WP.
    const filler3 = fill(dir);
    expectSense(
      await ini.write16(zs(2) + 16, pattern(64, 6), BS),
      'write past the space again',
      WRITE_ERROR,
    );
    await ini.close();
    expect(await target.stop()).toBe(0);
    rmSync(filler3);
    ({ target, ini } = await start(args));
    expect(await zone(ini, 2)).toEqual({ condition: COND.CLOSED, wp: 16 });
    await expectZeros(ini, zs(2) + 16, 64, 'above the WP after a clean restart');
    await ini.close();
    expect(await target.stop()).toBe(0);
    await plain.ini.close();
    expect(await plain.target.stop()).toBe(0);
  }, 180_000);
});
