// Crash consistency (docs/zones.md): a file-backed host-managed target is SIGKILLed at random
// points while an initiator writes four zones, issues SYNCHRONIZE CACHE, FUA writes and zone
// resets. After each restart:
//   * every write acknowledged before a completed SYNCHRONIZE CACHE, or with FUA, reads back exactly;
//   * the write pointer is consistent: never below durable data, never past what was sent, every
//     block below it holds a whole block of some write to that LBA, and none from before an
//     acknowledged RESET WRITE POINTER (resets are durable before GOOD);
//   * zone conditions are what power-on gives: EMPTY, CLOSED or FULL, never open.
// The last cycle stops cleanly (SIGINT) and then everything acknowledged must be there.
// The initiator is test/helpers/mini-initiator.ts: the property is durability, not interop.
// Replay a failure with ZBC_CRASH_SEED=<printed seed>; ZBC_CRASH_CYCLES changes the count (50).
import { SMALL_HOST_MANAGED_4K } from '../../helpers/target-process.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConnectionLost,
  MiniInitiator,
  type ScsiResult,
  senseTriple,
} from '../../helpers/mini-initiator.js';
import { type TargetProcess, startTargetProcess } from '../../helpers/target-process.js';

const BS = 4096;
const ZONE_BLOCKS = 256; // 1 MiB zones
const ZONES = [2, 3, 4, 5]; // sequential zones (2 conventional zones first)
const CYCLES = Number(process.env.ZBC_CRASH_CYCLES ?? 50);
const MAX_WRITE_BLOCKS = 16;
const ARGS = SMALL_HOST_MANAGED_4K;
const COND = { EMPTY: 0x1, IOPEN: 0x2, EOPEN: 0x3, CLOSED: 0x4, FULL: 0xe } as const;
const MAGIC = 0x5a42_4354; // 'ZBCT'

/** Deterministic pseudo-random source, so a failure can be replayed from the printed seed. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

function fillBlock(out: Buffer, lba: number, seq: number): void {
  out.writeUInt32BE(MAGIC, 0);
  out.writeUInt32BE(lba, 4);
  out.writeUInt32BE(seq, 8);
  for (let i = 12; i < BS; i++) out[i] = (lba * 31 + seq * 17 + i) & 0xff;
}

/** The write sequence number stored in a block, or a description of why it is not a whole block. */
function decodeBlock(b: Buffer, lba: number): number | string {
  if (b.readUInt32BE(0) !== MAGIC) return b.every((x) => x === 0) ? 'zeros' : 'bad magic';
  if (b.readUInt32BE(4) !== lba) return `block of LBA ${b.readUInt32BE(4)}`;
  const seq = b.readUInt32BE(8);
  for (let i = 12; i < BS; i++)
    if (b[i] !== ((lba * 31 + seq * 17 + i) & 0xff)) return `torn block (seq ${seq}, byte ${i})`;
  return seq;
}

interface ZoneTrack {
  readonly index: number;
  readonly start: number;
  /** Blocks [0, durableEnd) must read back as expectSeq says. */
  durableEnd: number;
  readonly expectSeq: Int32Array;
  /** Content of acknowledged writes since the last acknowledged reset (seq per block, -1 none). */
  readonly acked: Int32Array;
  ackedEnd: number;
  /** Highest block end ever sent since the last acknowledged reset. */
  issuedMax: number;
  /** Seq of the last acknowledged reset: no block below the WP may be older. */
  resetSeq: number;
  /** A reset was sent but not acknowledged when the target died: the zone may be empty. */
  resetPending: boolean;
  /** Bumped at each acknowledged reset, so a SYNCHRONIZE CACHE snapshot of an older epoch is ignored. */
  epoch: number;
}

const ok = (r: ScsiResult, what: string): void => {
  if (r.status !== 0)
    throw new Error(`${what}: status ${r.status} sense ${JSON.stringify(senseTriple(r.sense))}`);
};
const lost = (e: unknown): boolean => e instanceof ConnectionLost;

describe('crash consistency under SIGKILL', () => {
  let dir: string;
  const seed = Number(process.env.ZBC_CRASH_SEED ?? Date.now() % 1_000_000);
  const random = rng(seed);
  let seq = 1;
  const zones: ZoneTrack[] = ZONES.map((index) => ({
    index,
    start: index * ZONE_BLOCKS,
    durableEnd: 0,
    expectSeq: new Int32Array(ZONE_BLOCKS).fill(-1),
    acked: new Int32Array(ZONE_BLOCKS).fill(-1),
    ackedEnd: 0,
    issuedMax: 0,
    resetSeq: 0,
    resetPending: false,
    epoch: 0,
  }));
  const stats = { writes: 0, fua: 0, syncs: 0, resets: 0, kills: 0, blocksVerified: 0 };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zbc-crash-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  function markDurable(z: ZoneTrack, end: number, content: Int32Array): void {
    if (end <= z.durableEnd) return;
    for (let i = 0; i < end; i++) z.expectSeq[i] = content[i] as number;
    z.durableEnd = end;
  }

  async function verify(ini: MiniInitiator, cycle: number): Promise<void> {
    const reported = await ini.reportZones((ZONES[0] as number) * ZONE_BLOCKS, ZONES.length);
    for (const z of zones) {
      const d = reported.find((r) => r.start === z.start);
      const where = `cycle ${cycle} (seed ${seed}) zone ${z.index}`;
      expect(d, where).toBeDefined();
      if (!d) return;
      expect([COND.EMPTY, COND.CLOSED, COND.FULL], `${where} condition ${d.condition}`).toContain(
        d.condition,
      );
      const wp = d.condition === COND.FULL ? ZONE_BLOCKS : d.writePointer - z.start;
      if (d.condition === COND.EMPTY) expect(wp, `${where}: EMPTY with WP ${wp}`).toBe(0);
      if (d.condition === COND.CLOSED)
        expect(wp > 0 && wp < ZONE_BLOCKS, `${where}: CLOSED with WP ${wp}`).toBe(true);
      const resetHappened = z.resetPending && wp < z.durableEnd;
      if (!resetHappened) {
        expect(wp, `${where}: WP below durable data`).toBeGreaterThanOrEqual(z.durableEnd);
      }
      expect(wp, `${where}: WP past anything sent`).toBeLessThanOrEqual(
        Math.max(z.issuedMax, z.resetPending ? 0 : z.durableEnd),
      );
      const content = new Int32Array(ZONE_BLOCKS).fill(-1);
      for (let at = 0; at < wp; at += 64) {
        const n = Math.min(64, wp - at);
        const r = await ini.read16(z.start + at, n, BS);
        ok(r, `${where}: READ at +${at}`);
        for (let i = 0; i < n; i++) {
          const rel = at + i;
          const got = decodeBlock(r.data.subarray(i * BS, (i + 1) * BS), z.start + rel);
          if (typeof got === 'string')
            throw new Error(`${where}: block +${rel} below WP ${wp}: ${got}`);
          if (!resetHappened && rel < z.durableEnd) {
            expect(got, `${where}: block +${rel} lost acknowledged data`).toBe(z.expectSeq[rel]);
          }
          if (!z.resetPending)
            expect(got, `${where}: block +${rel} predates an acknowledged reset`).toBeGreaterThan(
              z.resetSeq,
            );
          content[rel] = got;
          stats.blocksVerified++;
        }
      }
      // What is below the WP now is durable: the next cycle must find it again.
      z.expectSeq.fill(-1);
      z.expectSeq.set(content);
      z.acked.set(content);
      z.durableEnd = wp;
      z.ackedEnd = wp;
      z.issuedMax = wp;
      z.resetPending = false;
    }
  }

  /** Writes one zone sequentially (one command in flight) until `stop` or the link drops. */
  async function zoneWriter(
    ini: MiniInitiator,
    z: ZoneTrack,
    stop: { now: boolean },
  ): Promise<void> {
    while (!stop.now) {
      if (z.ackedEnd === ZONE_BLOCKS) {
        const s = seq++;
        z.resetPending = true;
        const r = await ini.resetWritePointer(z.start);
        ok(r, `RESET WRITE POINTER zone ${z.index}`);
        z.resetPending = false;
        z.resetSeq = s;
        z.epoch++;
        z.durableEnd = 0;
        z.expectSeq.fill(-1);
        z.acked.fill(-1);
        z.ackedEnd = 0;
        z.issuedMax = 0;
        stats.resets++;
        continue;
      }
      const rel = z.ackedEnd;
      const n = 1 + Math.floor(random() * Math.min(MAX_WRITE_BLOCKS, ZONE_BLOCKS - rel));
      const s = seq++;
      const data = Buffer.allocUnsafe(n * BS);
      for (let i = 0; i < n; i++)
        fillBlock(data.subarray(i * BS, (i + 1) * BS), z.start + rel + i, s);
      const fua = random() < 0.15;
      z.issuedMax = Math.max(z.issuedMax, rel + n);
      const r = await ini.write16(z.start + rel, data, BS, { fua });
      ok(r, `WRITE(16) zone ${z.index} +${rel} x${n}`);
      for (let i = 0; i < n; i++) z.acked[rel + i] = s;
      z.ackedEnd = rel + n;
      stats.writes++;
      if (fua) {
        stats.fua++;
        markDurable(z, z.ackedEnd, z.acked);
      }
    }
  }

  async function syncer(ini: MiniInitiator, stop: { now: boolean }): Promise<void> {
    while (!stop.now) {
      await new Promise((r) => setTimeout(r, 2 + random() * 25));
      if (stop.now) return;
      // Everything acknowledged before SYNCHRONIZE CACHE is sent is covered by it.
      const snap = zones.map((z) => ({
        z,
        end: z.ackedEnd,
        content: Int32Array.from(z.acked),
        epoch: z.epoch,
      }));
      const r = await ini.synchronizeCache();
      ok(r, 'SYNCHRONIZE CACHE');
      stats.syncs++;
      for (const { z, end, content, epoch } of snap)
        if (z.epoch === epoch) markDurable(z, end, content);
    }
  }

  it(`keeps every acknowledged, flushed write across ${CYCLES} SIGKILLs and a clean stop`, async () => {
    const backing = join(dir, 'crash.img');
    const started = Date.now();
    for (let cycle = 0; cycle <= CYCLES; cycle++) {
      const last = cycle === CYCLES;
      const target: TargetProcess = await startTargetProcess(['--backing', backing, ...ARGS]);
      const iqn = target.iqns[0] as string;
      let ini: MiniInitiator | undefined;
      try {
        ini = await MiniInitiator.login({ host: target.host, port: target.port, targetName: iqn });
        await ini.clearUnitAttention();
        await verify(ini, cycle);

        const stop = { now: false };
        const work = Promise.allSettled([
          ...zones.map((z) => zoneWriter(ini as MiniInitiator, z, stop)),
          syncer(ini, stop),
        ]);
        const runMs = 20 + random() * 180;
        await new Promise((r) => setTimeout(r, runMs));
        if (last) {
          // Clean stop: let in-flight commands finish, then SIGINT flushes everything.
          stop.now = true;
          const results = await work;
          for (const r of results) if (r.status === 'rejected') throw r.reason;
          await ini.close();
          expect(await target.stop()).toBe(0);
          for (const z of zones) markDurable(z, z.ackedEnd, z.acked);
        } else {
          await target.kill('SIGKILL');
          stats.kills++;
          stop.now = true;
          const results = await work;
          // Only a dropped connection may end the workload; anything else is a target bug.
          for (const r of results) if (r.status === 'rejected' && !lost(r.reason)) throw r.reason;
        }
      } finally {
        ini?.destroy();
        await target.kill('SIGKILL');
      }
    }
    // After the clean stop every acknowledged write must be there.
    const target = await startTargetProcess(['--backing', backing, ...ARGS]);
    try {
      const ini = await MiniInitiator.login({
        host: target.host,
        port: target.port,
        targetName: target.iqns[0] as string,
      });
      await ini.clearUnitAttention();
      const before = zones.map((z) => z.durableEnd);
      await verify(ini, CYCLES + 1);
      expect(zones.map((z) => z.durableEnd)).toEqual(before);
      await ini.close();
    } finally {
      await target.stop();
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`crash test seed ${seed}: ${JSON.stringify(stats)} in ${seconds}s`);
    expect(stats.kills).toBe(CYCLES);
    expect(stats.writes).toBeGreaterThan(CYCLES);
    expect(stats.syncs).toBeGreaterThan(0);
    expect(stats.blocksVerified).toBeGreaterThan(0);
  });
});
