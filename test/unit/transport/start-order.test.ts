// Start order of delivered tasks (transport/session/start-order.ts) over a real socket: CmdSN
// order, except a SIMPLE task without Data-Out that the SCSI target lets pass older SIMPLE tasks
// still waiting for their Data-Out. The fake target's judgement is set per test; the last test
// runs a real zoned LU (scsi/start-ahead.ts) to show writes to one zone never reorder.
import { afterEach, describe, expect, it } from 'vitest';
import type { QueuedCommand, ScsiTarget } from '../../../scsi/target-contract.js';
import { createScsiTarget } from '../../../scsi/target-device.js';
import { ZoneCondition as C } from '../../../zbc/types.js';
import { ZoneModel } from '../../../zbc/zone-model.js';
import {
  dataOut,
  Op,
  read10,
  scsiCommand,
  TEST_UNIT_READY,
  type TargetPdu,
  type WireInitiator,
  write10,
} from '../../helpers/wire.js';
import { memoryStore } from '../../helpers/memory-store.js';
import { FakeJournal } from '../scsi/harness.js';
import { smallLayout, zs } from '../zbc/fixtures.js';
import { BS, type Harness, startHarness } from './harness.js';

const ORDERED = 2;
const HEAD_OF_QUEUE = 3;
/** Every write waits for an R2T unless it carries all its data as immediate data. */
const R2T_KEYS = { keys: { InitialR2T: 'Yes', ImmediateData: 'Yes' } };

let h: Harness;
afterEach(async () => {
  await h?.close();
});

/** LBA range of a READ(10)/WRITE(10) CDB. */
function range(c: QueuedCommand): [number, number] {
  const lba = c.cdb.readUInt32BE(2);
  return [lba, lba + c.cdb.readUInt16BE(7)];
}

/** A judgement in the spirit of the real one: pass when no LBA range overlaps. */
function rangesApart(later: QueuedCommand, earlier: readonly QueuedCommand[]): boolean {
  const [a, b] = range(later);
  return earlier.every((e) => {
    const [x, y] = range(e);
    return y <= a || b <= x;
  });
}

interface PendingWrite {
  readonly itt: number;
  readonly r2t: TargetPdu;
}

/** A WRITE(10) without data: the target answers with an R2T, which is left unanswered. */
async function writeAwaitingData(c: WireInitiator, lba: number, blocks: number, attr = 1) {
  const itt = c.nextItt();
  const cdb = write10(lba, blocks);
  c.send(scsiCommand({ itt, write: true, edtl: blocks * BS, cmdSN: c.cmdSN++, cdb, attr }));
  const r2t = await c.next();
  expect([r2t?.opcode, r2t?.itt]).toEqual([Op.R2T, itt]);
  return { itt, r2t: r2t as TargetPdu };
}

function sendData(c: WireInitiator, w: PendingWrite, data: Buffer): void {
  c.send(dataOut({ itt: w.itt, ttt: w.r2t.ttt, dataSN: 0, offset: 0, data, final: true }));
}

function read(c: WireInitiator, lba: number, blocks: number, attr = 1): number {
  const itt = c.nextItt();
  const cdb = read10(lba, blocks);
  c.send(scsiCommand({ itt, read: true, edtl: blocks * BS, cmdSN: c.cmdSN++, cdb, attr }));
  return itt;
}

/** PDUs that arrive within `ms` of each other. */
async function drain(c: WireInitiator, ms = 300): Promise<TargetPdu[]> {
  const out: TargetPdu[] = [];
  for (let p = await c.next(ms); p !== undefined; p = await c.next(ms)) out.push(p);
  return out;
}

/** ITT and status of each final PDU (SCSI Response, or Data-In with S). */
const finals = (pdus: readonly TargetPdu[]) =>
  pdus
    .filter((p) => p.opcode === Op.SCSI_RESPONSE || (p.opcode === Op.DATA_IN && p.byte1 & 1))
    .map((p) => [p.itt, p.byte3]);

describe('start order', () => {
  it('starts a READ ahead of an older write still waiting for its Data-Out', async () => {
    h = await startHarness();
    h.scsi.startAhead = rangesApart;
    const c = await h.session(R2T_KEYS);
    const w = await writeAwaitingData(c, 0, 8);
    const r = read(c, 100, 8);
    expect(finals(await drain(c))).toEqual([[r, 0]]);
    sendData(c, w, Buffer.alloc(8 * BS, 7));
    expect(finals(await drain(c))).toEqual([[w.itt, 0]]);
    expect(h.scsi.executed.map((x) => x.tag)).toEqual([r, w.itt]);
    expect(h.scsi.startAheadAsked).toEqual([{ later: 0x28, earlier: [0x2a] }]);
  });

  it('keeps a READ of blocks being written behind the write; it reads the new data', async () => {
    h = await startHarness();
    h.scsi.startAhead = rangesApart;
    const c = await h.session(R2T_KEYS);
    const w = await writeAwaitingData(c, 0, 8);
    const r = read(c, 4, 8);
    expect(await drain(c)).toEqual([]);
    sendData(c, w, Buffer.alloc(8 * BS, 7));
    const pdus = await drain(c);
    expect(finals(pdus)).toEqual([
      [w.itt, 0],
      [r, 0],
    ]);
    const dataIn = pdus.find((p) => p.opcode === Op.DATA_IN);
    expect(dataIn?.data.subarray(0, 4 * BS)).toEqual(Buffer.alloc(4 * BS, 7));
  });

  it('never lets a write pass an older one, whatever the target would allow', async () => {
    h = await startHarness();
    h.scsi.startAhead = () => true;
    const c = await h.session(R2T_KEYS);
    const first = await writeAwaitingData(c, 0, 8);
    const second = await writeAwaitingData(c, 100, 8);
    sendData(c, second, Buffer.alloc(8 * BS, 2));
    expect(await drain(c)).toEqual([]);
    sendData(c, first, Buffer.alloc(8 * BS, 1));
    expect(finals(await drain(c))).toEqual([
      [first.itt, 0],
      [second.itt, 0],
    ]);
    expect(h.scsi.executed.map((x) => x.tag)).toEqual([first.itt, second.itt]);
    expect(h.scsi.startAheadAsked).toEqual([]);
  });

  it.each([
    { title: 'nothing passes an ORDERED write', writeAttr: ORDERED, readAttr: 1 },
    { title: 'an ORDERED read does not pass', writeAttr: 1, readAttr: ORDERED },
    { title: 'a HEAD OF QUEUE read is kept in order too', writeAttr: 1, readAttr: HEAD_OF_QUEUE },
    { title: 'an untagged read is kept in order', writeAttr: 1, readAttr: 0 },
  ])('$title', async ({ writeAttr, readAttr }) => {
    h = await startHarness();
    h.scsi.startAhead = () => true;
    const c = await h.session(R2T_KEYS);
    const w = await writeAwaitingData(c, 0, 8, writeAttr);
    const r = read(c, 100, 8, readAttr);
    expect(await drain(c)).toEqual([]);
    sendData(c, w, Buffer.alloc(8 * BS));
    expect(finals(await drain(c))).toEqual([
      [w.itt, 0],
      [r, 0],
    ]);
    expect(h.scsi.startAheadAsked).toEqual([]);
  });
});

describe('start order on a zoned LU (real SCSI target)', () => {
  it('never reorders writes to one zone; reads and resets of other zones pass them', async () => {
    const zones = new ZoneModel(smallLayout()); // 64-block zones, 2-7 sequential
    const scsi = createScsiTarget({
      name: 'iqn.2026-11.test:target',
      luns: [
        {
          lun: 0,
          store: memoryStore(8 * 64 * BS),
          blockSize: BS,
          physicalBlockSize: BS,
          capacityBlocks: 8 * 64,
          serial: 'SN1',
          zones,
          journal: new FakeJournal([]),
        },
      ],
    });
    const started: string[] = [];
    const recording: ScsiTarget = {
      ...scsi,
      execute(cmd) {
        started.push(cmd.cdb.subarray(0, 10).toString('hex'));
        return scsi.execute(cmd);
      },
    };
    h = await startHarness({ target: { scsi: recording } });
    const c = await h.session(R2T_KEYS);
    // The login's unit attention goes to the first command, in order.
    const tur = c.nextItt();
    c.send(scsiCommand({ itt: tur, edtl: 0, cmdSN: c.cmdSN++, cdb: TEST_UNIT_READY }));
    expect(finals(await drain(c))).toEqual([[tur, 2]]);
    // Zone 4 FULL.
    const fill = c.nextItt();
    const full = Buffer.alloc(64 * BS, 4);
    const cdb = write10(zs(4), 64);
    const edtl = full.length;
    c.send(scsiCommand({ itt: fill, write: true, edtl, cmdSN: c.cmdSN++, cdb, data: full }));
    expect(finals(await drain(c))).toEqual([[fill, 0]]);
    expect(zones.zoneAt(4).condition).toBe(C.FULL);
    started.length = 0;

    const w1 = await writeAwaitingData(c, zs(2), 8);
    const w2 = c.nextItt(); // at w1's end, all its data immediate: ready, but behind w1
    const d2 = Buffer.alloc(8 * BS, 2);
    const w2cdb = write10(zs(2) + 8, 8);
    const cmdSN = c.cmdSN++;
    c.send(scsiCommand({ itt: w2, write: true, edtl: d2.length, cmdSN, cdb: w2cdb, data: d2 }));
    const r3 = read(c, zs(3), 8);
    const reset4 = zbcReset(c, zs(4));
    const reset2 = zbcReset(c, zs(2));
    expect(finals(await drain(c))).toEqual([
      [r3, 0],
      [reset4, 0],
    ]);
    expect(zones.zoneAt(4).condition).toBe(C.EMPTY);
    expect(zones.zoneAt(2).condition).toBe(C.EMPTY);

    sendData(c, w1, Buffer.alloc(8 * BS, 1));
    // w2 did not start first (it would have met 5/21/04), and the reset of zone 2 came after
    // both writes, so the zone ends EMPTY (reset first, it would hold 16 written blocks).
    const after = finals(await drain(c));
    expect(after).toHaveLength(3);
    expect(after).toEqual(
      expect.arrayContaining([
        [w1.itt, 0],
        [w2, 0],
        [reset2, 0],
      ]),
    );
    expect(zones.zoneAt(2).condition).toBe(C.EMPTY);
    expect(started.map((s) => s.slice(0, 2))).toEqual(['28', '94', '2a', '2a', '94']);
  });
});

/** ZBC OUT RESET WRITE POINTER of the zone starting at `zoneId` (ZBC-2 5.5). */
function zbcReset(c: WireInitiator, zoneId: number): number {
  const itt = c.nextItt();
  const cdb = Buffer.alloc(16);
  cdb[0] = 0x94;
  cdb[1] = 0x04;
  cdb.writeBigUInt64BE(BigInt(zoneId), 2);
  c.send(scsiCommand({ itt, edtl: 0, cmdSN: c.cmdSN++, cdb }));
  return itt;
}
