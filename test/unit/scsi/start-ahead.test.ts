// Which commands may start ahead of older queued ones (scsi/start-ahead.ts), judged on a real LU:
// reads and single-zone resets pass only what they cannot affect, writes never pass, barriers
// stop everything, a pending unit attention keeps order.
import { describe, expect, it } from 'vitest';
import { SENSE } from '../../../sense-tables/index.js';
import { ZoneCondition as C } from '../../../zbc/types.js';
import { ZoneModel } from '../../../zbc/zone-model.js';
import { smallLayout, zs } from '../zbc/fixtures.js';
import type { QueuedCommand } from '../../../scsi/target-contract.js';
import { ata16 } from '../../helpers/ata-cdb.js';
import { cdb, cdb16, expectGood, FakeJournal, type Harness, harness, NEXUS } from './harness.js';
import { sata } from './sat/sata-harness.js';

const READ_16 = 0x88;
const WRITE_16 = 0x8a;
const read = (lba: number, blocks: number) => ({ lun: 0, cdb: cdb16(READ_16, lba, blocks) });
const write = (lba: number, blocks: number) => ({ lun: 0, cdb: cdb16(WRITE_16, lba, blocks) });
const sync16 = { lun: 0, cdb: cdb([0x91]) };
const modeSelect = { lun: 0, cdb: cdb([0x15, 0x10, 0, 0, 24, 0]) };

/** ZBC OUT RESET WRITE POINTER (ZBC-2 5.5): ZONE ID bytes 2-9, ZONE COUNT 12-13, ALL byte 14. */
function reset(zoneId: number, opts: { count?: number; all?: boolean } = {}) {
  const c = cdb([0x94, 0x04]);
  c.writeBigUInt64BE(BigInt(zoneId), 2);
  c.writeUInt16BE(opts.count ?? 0, 12);
  c[14] = opts.all ? 1 : 0;
  return { lun: 0, cdb: c };
}

/** The target's answer for `later` behind `earlier`, in order. */
function judge(h: Harness) {
  return (later: QueuedCommand, ...earlier: QueuedCommand[]) =>
    h.target.mayStartAhead?.(NEXUS, later, earlier);
}

/** 64-block zones 0-1 conventional, 2-7 sequential, max 2 open; zone 4 FULL, zone 5 open. */
async function zonedLu() {
  const zones = new ZoneModel(smallLayout());
  const h = harness({ capacityBlocks: 8 * 64, zones, journal: new FakeJournal([]) });
  const data = (blocks: number) => [Buffer.alloc(blocks * 512)];
  expectGood(await h.run(cdb16(WRITE_16, zs(4), 64), { dataOut: data(64) }));
  expectGood(await h.run(cdb16(WRITE_16, zs(5), 8), { dataOut: data(8) }));
  expect(zones.zoneAt(4).condition).toBe(C.FULL);
  expect(zones.zoneAt(5).condition).toBe(C.IMPLICITLY_OPENED);
  return { h, ahead: judge(h) };
}

describe('mayStartAhead on a zoned LU', () => {
  it('lets a READ pass writes to other zones, never one to a zone it reads', async () => {
    const { ahead } = await zonedLu();
    expect(ahead(read(zs(3), 8), write(zs(2), 8), write(zs(6), 64))).toBe(true);
    // Below the write's blocks but in its zone: the zone is the unit (its WP and condition).
    expect(ahead(read(zs(2), 8), write(zs(2) + 8, 8))).toBe(false);
    expect(ahead(read(zs(2) + 60, 8), write(zs(3), 8))).toBe(false);
  });

  it('lets RESET WRITE POINTER of a FULL or EMPTY zone pass writes to other zones', async () => {
    const { ahead } = await zonedLu();
    expect(ahead(reset(zs(4)), write(zs(2), 8), write(zs(3), 8))).toBe(true);
    expect(ahead(reset(zs(6)), write(zs(2), 8))).toBe(true);
    expect(ahead(reset(zs(4)), write(zs(4), 8))).toBe(false);
  });

  it('keeps a RESET that frees an open zone behind writes (zone resources)', async () => {
    const { ahead } = await zonedLu();
    expect(ahead(reset(zs(5)), write(zs(2), 8))).toBe(false);
    expect(ahead(reset(zs(5)), read(zs(2), 8))).toBe(true);
  });

  it('never lets RESET ALL, a multi-zone RESET or a misaligned zone ID pass', async () => {
    const { ahead } = await zonedLu();
    expect(ahead(reset(0, { all: true }), write(zs(2), 8))).toBe(false);
    expect(ahead(reset(zs(6), { count: 2 }), write(zs(2), 8))).toBe(false);
    expect(ahead(reset(zs(4) + 1), write(zs(2), 8))).toBe(false);
  });

  it('never lets a write pass, even to another zone', async () => {
    const { ahead } = await zonedLu();
    expect(ahead(write(zs(3), 8), write(zs(2), 8))).toBe(false);
    expect(ahead(write(zs(3), 8))).toBe(false);
  });

  it('lets SYNCHRONIZE CACHE pass writes still waiting for their data', async () => {
    const { ahead } = await zonedLu();
    expect(ahead(sync16, write(zs(2), 8), write(zs(4), 8))).toBe(true);
  });

  it('stops at barriers (MODE SELECT, unknown opcodes) and unit attentions', async () => {
    const { h, ahead } = await zonedLu();
    expect(ahead(read(zs(3), 8), modeSelect)).toBe(false);
    expect(ahead(read(zs(3), 8), { lun: 0, cdb: cdb([0xc0]) })).toBe(false);
    expect(ahead({ lun: 0, cdb: cdb([0xc0]) }, write(zs(2), 8))).toBe(false);
    h.lu.unitAttentions.establish(NEXUS.key, SENSE.MODE_PARAMETERS_CHANGED);
    expect(ahead(read(zs(3), 8), write(zs(2), 8))).toBe(false);
  });

  it('ignores older commands to a missing LUN (refused whatever runs first)', async () => {
    const { ahead } = await zonedLu();
    expect(ahead(read(zs(3), 8), { lun: 7, cdb: cdb16(WRITE_16, zs(3), 8) })).toBe(true);
    expect(ahead({ lun: 7, cdb: cdb16(READ_16, 0, 1) }, write(zs(2), 8))).toBe(false);
  });
});

describe('mayStartAhead on a non-zoned LU', () => {
  it('compares LBA ranges block by block', () => {
    const h = harness({ capacityBlocks: 2048 });
    const ahead = judge(h);
    expect(ahead(read(100, 8), write(108, 8), write(92, 8))).toBe(true);
    expect(ahead(read(100, 8), write(107, 8))).toBe(false);
    expect(ahead(read(100, 8), read(100, 8))).toBe(true);
    expect(ahead({ lun: 0, cdb: cdb([0x00]) }, write(0, 2048))).toBe(true); // TEST UNIT READY
  });
});

describe('mayStartAhead through ATA PASS-THROUGH on a SATA LU', () => {
  // ACS-4 WRITE DMA EXT (35h), READ DMA EXT (25h), FLUSH CACHE EXT (EAh); ZAC-2 MANAGEMENT OUT.
  const ataWrite = (lba: number, count: number) => ({
    lun: 0,
    cdb: ata16({ protocol: 6, extend: true, tLength: 2, count, lba, command: 0x35 }),
  });
  const ataRead = (lba: number, count: number) => ({
    lun: 0,
    cdb: ata16({ protocol: 6, extend: true, toHost: true, tLength: 2, count, lba, command: 0x25 }),
  });
  const ataReset = (zoneId: number, features = 0x04) => ({
    lun: 0,
    cdb: ata16({ protocol: 3, extend: true, features, lba: zoneId, command: 0x9f }),
  });
  const ataFlush = { lun: 0, cdb: ata16({ protocol: 3, extend: true, command: 0xea }) };

  async function sataLu() {
    const h = sata();
    const data = (blocks: number) => [Buffer.alloc(blocks * 512)];
    expectGood(await h.run(cdb16(WRITE_16, zs(4), 64), { dataOut: data(64) }));
    return judge(h);
  }

  it('treats ATA writes, reads, flushes and a one-zone ZAC reset as their SCSI counterparts', async () => {
    const ahead = await sataLu();
    // ZAC RESET WRITE POINTER EXT of the FULL zone 4 passes ATA writes to zones 2 and 3.
    expect(ahead(ataReset(zs(4)), ataWrite(zs(2), 8), ataWrite(zs(3), 8))).toBe(true);
    expect(ahead(ataReset(zs(4)), ataWrite(zs(4) + 8, 8))).toBe(false);
    expect(ahead(ataRead(zs(3), 8), ataWrite(zs(2), 8))).toBe(true);
    expect(ahead(ataRead(zs(2), 8), ataWrite(zs(2) + 16, 8))).toBe(false);
    expect(ahead(ataFlush, ataWrite(zs(2), 8))).toBe(true);
    // Mixed with SCSI commands of the same LU.
    expect(ahead(reset(zs(4)), ataWrite(zs(2), 8))).toBe(true);
    expect(ahead(ataRead(zs(3), 8), write(zs(3), 8))).toBe(false);
  });

  it('keeps writes, RESET ALL, other ZAC actions and unknown ATA commands as barriers', async () => {
    const ahead = await sataLu();
    expect(ahead(ataWrite(zs(3), 8), ataWrite(zs(2), 8))).toBe(false);
    expect(ahead(ataReset(zs(4), 0x104), ataWrite(zs(2), 8))).toBe(false); // ALL
    expect(ahead(ataReset(zs(4), 0x02), ataWrite(zs(2), 8))).toBe(false); // FINISH ZONE EXT
    expect(ahead(ataRead(zs(3), 8), { lun: 0, cdb: ata16({ protocol: 3, command: 0x07 }) })).toBe(
      false,
    );
  });

  it('keeps a 7Fh CDB that is not a whole ATA PASS-THROUGH(32) a barrier, without decoding it', async () => {
    const ahead = await sataLu();
    // 16 bytes (no extended CDB AHS) with the (32) form's service action: dispatch refuses it.
    const short = Buffer.alloc(16);
    short[0] = 0x7f;
    short[7] = 0x18;
    short.writeUInt16BE(0x1ff0, 8);
    expect(ahead({ lun: 0, cdb: short }, ataWrite(zs(2), 8))).toBe(false);
    expect(ahead(ataRead(zs(3), 8), { lun: 0, cdb: short })).toBe(false);
  });

  it('leaves ATA PASS-THROUGH a barrier on a SAS LU', () => {
    const ahead = judge(harness({ capacityBlocks: 2048 }));
    expect(ahead(ataRead(100, 8), write(0, 8))).toBe(false);
  });
});
