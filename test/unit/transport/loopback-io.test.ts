// Full feature phase over a real socket: a raw initiator (test/helpers/wire.ts) against the server
// and a fake ScsiTarget. Wire bytes are checked field by field (RFC 7143 §11).
import { afterEach, describe, expect, it } from 'vitest';
import {
  dataOut,
  frame,
  header,
  logoutRequest,
  NO_TAG,
  nopOut,
  Op,
  read10,
  scsiCommand,
  TEST_UNIT_READY,
  textRequest,
  tmfRequest,
  write10,
  type WireInitiator,
} from '../../helpers/wire.js';
import { BS, type Harness, startHarness } from './harness.js';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

function pattern(length: number, seed = 1): Buffer {
  const b = Buffer.alloc(length);
  for (let i = 0; i < length; i++) b[i] = (i * 7 + seed) & 0xff;
  return b;
}

async function tur(c: WireInitiator, cmdSN = c.cmdSN) {
  const itt = c.nextItt();
  c.send(scsiCommand({ itt, edtl: 0, cmdSN, cdb: TEST_UNIT_READY }));
  return itt;
}

describe('login (loopback)', () => {
  it('answers a libiscsi-style one-PDU login with T=1 NSG=3, TSIH, TPGT and our declarations', async () => {
    h = await startHarness();
    const c = await h.connect();
    c.cmdSN = 77;
    const rsp = await c.login();
    expect(rsp.opcode).toBe(Op.LOGIN_RESPONSE);
    expect(rsp.byte1).toBe(0x80 | (1 << 2) | 3);
    expect(rsp.byte2).toBe(0); // version-max
    expect(rsp.byte3).toBe(0); // version-active
    expect(rsp.bhs.readUInt16BE(36)).toBe(0);
    expect(rsp.bhs.readUInt16BE(14)).not.toBe(0);
    expect(rsp.bhs.subarray(8, 14).toString('hex')).toBe('80123456789a');
    expect(rsp.statSN).toBe(1);
    expect(rsp.expCmdSN).toBe(77);
    expect(rsp.maxCmdSN).toBe(77 + 127);
    const keys = Object.fromEntries(
      rsp.data
        .toString()
        .split('\0')
        .filter(Boolean)
        .map((s) => s.split('=')),
    );
    expect(keys).toMatchObject({
      TargetPortalGroupTag: '1',
      MaxRecvDataSegmentLength: '262144',
      InitialR2T: 'No',
      ImmediateData: 'Yes',
      HeaderDigest: 'None',
      DataDigest: 'None',
      MaxBurstLength: '262144',
      FirstBurstLength: '65536',
      MaxOutstandingR2T: '1',
      ErrorRecoveryLevel: '0',
    });
    expect(rsp.data[rsp.data.length - 1]).toBe(0);
    expect(h.scsi.created).toHaveLength(1);
    expect(h.scsi.created[0]?.key).toBe(
      `iqn.2026-11.test:initiator,i,0x80123456789a,${'iqn.2026-11.test:target'},t,0x0001`,
    );
    expect(h.server.sessionCount()).toBe(1);
  });
});

describe('reads', () => {
  it('cuts Data-In at the initiator MRDSL and MaxBurstLength, with status on the last', async () => {
    h = await startHarness();
    h.scsi.disk.set(pattern(32 * BS), 0);
    const c = await h.session({
      keys: { MaxRecvDataSegmentLength: '4096', MaxBurstLength: '8192' },
    });
    const itt = c.nextItt();
    c.send(scsiCommand({ itt, read: true, edtl: 32 * BS, cmdSN: c.cmdSN, cdb: read10(0, 32) }));
    const pdus = [];
    for (let i = 0; i < 4; i++) pdus.push(await c.next());
    expect(pdus.map((p) => p?.opcode)).toEqual([Op.DATA_IN, Op.DATA_IN, Op.DATA_IN, Op.DATA_IN]);
    expect(pdus.map((p) => p?.dsl)).toEqual([4096, 4096, 4096, 4096]);
    expect(pdus.map((p) => p?.w36)).toEqual([0, 1, 2, 3]); // DataSN
    expect(pdus.map((p) => p?.w40)).toEqual([0, 4096, 8192, 12288]); // Buffer Offset
    // F at each 8192-byte burst end; S (0x01) only on the last; never A (0x40).
    expect(pdus.map((p) => p?.byte1)).toEqual([0x00, 0x80, 0x00, 0x81]);
    expect(pdus.map((p) => p?.ttt)).toEqual([NO_TAG, NO_TAG, NO_TAG, NO_TAG]);
    expect(pdus[3]?.byte3).toBe(0); // GOOD
    expect(pdus[3]?.statSN).toBe(2);
    expect(pdus[3]?.w44).toBe(0);
    expect(Buffer.concat(pdus.map((p) => p?.data ?? Buffer.alloc(0)))).toEqual(pattern(32 * BS));
    expect(await c.quiet()).toEqual([]); // no separate SCSI Response
  });

  it("gives a large READ's pooled buffer back only once its Data-In is written", async () => {
    h = await startHarness();
    const blocks = 256; // 128 KiB: above the slab size, so pooled
    // Four regions of different bytes (pattern() repeats every 256 bytes).
    for (let r = 0; r < 4; r++) h.scsi.disk.set(pattern(blocks * BS, 1 + 40 * r), r * blocks * BS);
    const c = await h.session();
    // Three waves of 40 READs (5 MiB each) while the initiator reads nothing: the socket buffers
    // fill and the data waits in the connection's queue while the next wave runs, as on a
    // congested link. A buffer given back before its data is written would be refilled by a READ
    // of the next wave, of other blocks.
    c.socket.pause();
    const reads: number[] = [];
    const itts: number[] = [];
    for (let wave = 0; wave < 3; wave++) {
      for (let i = 0; i < 40; i++) {
        const lba = ((wave + i) % 4) * blocks;
        const itt = c.nextItt();
        c.send(
          scsiCommand({
            itt,
            read: true,
            edtl: blocks * BS,
            cmdSN: c.cmdSN,
            cdb: read10(lba, blocks),
          }),
        );
        c.cmdSN++;
        reads.push(lba);
        itts.push(itt);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    c.socket.resume();
    const got = new Map<number, Buffer[]>();
    while (
      [...got.values()].flat().reduce((n, d) => n + d.length, 0) <
      reads.length * blocks * BS
    ) {
      const p = await c.next();
      expect(p?.opcode).toBe(Op.DATA_IN);
      got.set(p?.itt ?? -1, [...(got.get(p?.itt ?? -1) ?? []), p?.data ?? Buffer.alloc(0)]);
    }
    reads.forEach((lba, i) => {
      const data = Buffer.concat(got.get(itts[i] as number) ?? []);
      expect(data.equals(h.scsi.disk.subarray(lba * BS, (lba + blocks) * BS))).toBe(true);
    });
    // Every one was given back: a later READ of that size reuses one of their buffers.
    const itt = c.nextItt();
    c.send(
      scsiCommand({ itt, read: true, edtl: blocks * BS, cmdSN: c.cmdSN, cdb: read10(0, blocks) }),
    );
    expect((await c.next())?.itt).toBe(itt);
    const used = new Set(h.scsi.readData.slice(0, reads.length).map((d) => d.buffer));
    expect(used.has(h.scsi.readData[reads.length]?.buffer as ArrayBuffer)).toBe(true);
  });

  it.each([
    { edtl: 10000, flag: 0x02, residual: 10000 - BS, bytes: BS },
    { edtl: 200, flag: 0x04, residual: BS - 200, bytes: 200 },
  ])(
    'reports residual for EDTL $edtl (RFC 7143 §11.4.5)',
    async ({ edtl, flag, residual, bytes }) => {
      h = await startHarness();
      const c = await h.session();
      c.send(scsiCommand({ itt: 5, read: true, edtl, cmdSN: c.cmdSN, cdb: read10(0, 1) }));
      const p = await c.next();
      expect(p?.opcode).toBe(Op.DATA_IN);
      expect(p?.dsl).toBe(bytes);
      expect(p?.byte1).toBe(0x80 | 0x01 | flag);
      expect(p?.w44).toBe(residual);
    },
  );

  it('READ with EDTL 0 answers GOOD with overflow and no data', async () => {
    h = await startHarness();
    const c = await h.session();
    c.send(scsiCommand({ itt: 5, read: true, edtl: 0, cmdSN: c.cmdSN, cdb: read10(0, 1) }));
    const p = await c.next();
    expect(p?.opcode).toBe(Op.SCSI_RESPONSE);
    expect(p?.byte1).toBe(0x80 | 0x04);
    expect(p?.w44).toBe(BS);
    expect(p?.byte3).toBe(0);
  });

  it('sends CHECK CONDITION in a SCSI Response with a 2-byte SenseLength prefix', async () => {
    h = await startHarness();
    const c = await h.session();
    c.send(scsiCommand({ itt: 9, read: true, edtl: BS, cmdSN: c.cmdSN, cdb: read10(5000, 1) }));
    const p = await c.next();
    expect(p?.opcode).toBe(Op.SCSI_RESPONSE);
    expect(p?.byte2).toBe(0); // completed at target
    expect(p?.byte3).toBe(0x02);
    expect(p?.data.readUInt16BE(0)).toBe(18);
    expect([p?.data[2 + 2], p?.data[2 + 12], p?.data[2 + 13]]).toEqual([5, 0x21, 0]);
    expect(p?.w36).toBe(0); // ExpDataSN
  });
});

describe('writes', () => {
  it('takes immediate data, unsolicited Data-Out up to FirstBurstLength, then R2T for the rest', async () => {
    h = await startHarness();
    const c = await h.session({ keys: { FirstBurstLength: '1024', MaxBurstLength: '2048' } });
    const payload = pattern(8 * BS, 3);
    const itt = c.nextItt();
    c.send(
      scsiCommand({
        itt,
        write: true,
        final: false,
        edtl: payload.length,
        cmdSN: c.cmdSN,
        cdb: write10(10, 8),
        data: payload.subarray(0, 512),
      }),
    );
    c.send(
      dataOut({
        itt,
        ttt: NO_TAG,
        dataSN: 0,
        offset: 512,
        data: payload.subarray(512, 1024),
        final: true,
      }),
    );
    const r2t = await c.next();
    expect(r2t?.opcode).toBe(Op.R2T);
    expect(r2t?.itt).toBe(itt);
    expect(r2t?.w36).toBe(0); // R2TSN
    expect(r2t?.w40).toBe(1024); // offset
    expect(r2t?.w44).toBe(2048); // desired length = MaxBurstLength
    expect(r2t?.ttt).not.toBe(NO_TAG);
    expect(r2t?.statSN).toBe(2); // next StatSN, not advanced
    c.send(
      dataOut({
        itt,
        ttt: r2t?.ttt ?? 0,
        dataSN: 0,
        offset: 1024,
        data: payload.subarray(1024, 2048),
        final: false,
      }),
    );
    c.send(
      dataOut({
        itt,
        ttt: r2t?.ttt ?? 0,
        dataSN: 1,
        offset: 2048,
        data: payload.subarray(2048, 3072),
        final: true,
      }),
    );
    const r2t2 = await c.next();
    expect(r2t2?.opcode).toBe(Op.R2T);
    expect([r2t2?.w36, r2t2?.w40, r2t2?.w44]).toEqual([1, 3072, 1024]);
    c.send(
      dataOut({
        itt,
        ttt: r2t2?.ttt ?? 0,
        dataSN: 0,
        offset: 3072,
        data: payload.subarray(3072),
        final: true,
      }),
    );
    const rsp = await c.next();
    expect(rsp?.opcode).toBe(Op.SCSI_RESPONSE);
    expect(rsp?.byte3).toBe(0);
    expect(rsp?.byte1).toBe(0x80);
    expect(rsp?.statSN).toBe(2);
    expect(h.scsi.disk.subarray(10 * BS, 18 * BS)).toEqual(payload);
    // Segments reached the SCSI side as received, never concatenated.
    expect(h.scsi.writes[0]?.segments).toBe(5);
  });

  it.each([
    { title: 'repeated DataSN', dataSNs: [0, 0] },
    { title: 'DataSN jump', dataSNs: [0, 27] },
    { title: 'DataSN 0xffffffff', dataSNs: [0xffffffff, 1] },
  ])(
    '$title ends the task with CHECK CONDITION 0B/47/05 and writes nothing',
    async ({ dataSNs }) => {
      h = await startHarness();
      const c = await h.session({ keys: { ImmediateData: 'No', InitialR2T: 'Yes' } });
      const itt = c.nextItt();
      c.send(scsiCommand({ itt, write: true, edtl: 2 * BS, cmdSN: c.cmdSN, cdb: write10(100, 2) }));
      const r2t = await c.next();
      expect(r2t?.opcode).toBe(Op.R2T);
      dataSNs.forEach((dataSN, i) =>
        c.send(
          dataOut({
            itt,
            ttt: r2t?.ttt ?? 0,
            dataSN,
            offset: i * BS,
            data: Buffer.alloc(BS, 0xee),
            final: i === 1,
          }),
        ),
      );
      const rsp = await c.next();
      expect(rsp?.opcode).toBe(Op.SCSI_RESPONSE);
      expect(rsp?.byte3).toBe(0x02);
      expect([rsp?.data[2 + 2], rsp?.data[2 + 12], rsp?.data[2 + 13]]).toEqual([0x0b, 0x47, 0x05]);
      expect(h.scsi.writes).toHaveLength(0);
      expect(h.scsi.checkConditions).toEqual(['protocol-service-crc-error']);
      // The connection stays up.
      const t = await tur(c, c.cmdSN + 1);
      expect((await c.next())?.itt).toBe(t);
    },
  );

  it('a wrong Buffer Offset is a sequence error too', async () => {
    h = await startHarness();
    const c = await h.session({ keys: { ImmediateData: 'No', InitialR2T: 'Yes' } });
    c.send(scsiCommand({ itt: 1, write: true, edtl: 2 * BS, cmdSN: c.cmdSN, cdb: write10(0, 2) }));
    const r2t = await c.next();
    c.send(
      dataOut({
        itt: 1,
        ttt: r2t?.ttt ?? 0,
        dataSN: 0,
        offset: 0,
        data: Buffer.alloc(BS),
        final: false,
      }),
    );
    c.send(
      dataOut({
        itt: 1,
        ttt: r2t?.ttt ?? 0,
        dataSN: 1,
        offset: 2 * BS,
        data: Buffer.alloc(BS),
        final: true,
      }),
    );
    const rsp = await c.next();
    expect([rsp?.byte3, rsp?.data[2 + 12], rsp?.data[2 + 13]]).toEqual([2, 0x47, 0x05]);
  });

  it('reports underflow when more data was sent than the CDB asks for', async () => {
    h = await startHarness();
    const c = await h.session();
    c.send(
      scsiCommand({
        itt: 1,
        write: true,
        edtl: 10000,
        final: false,
        cmdSN: c.cmdSN,
        cdb: write10(0, 1),
        data: Buffer.alloc(8192, 1),
      }),
    );
    c.send(
      dataOut({
        itt: 1,
        ttt: NO_TAG,
        dataSN: 0,
        offset: 8192,
        data: Buffer.alloc(10000 - 8192, 1),
        final: true,
      }),
    );
    const rsp = await c.next();
    expect(rsp?.opcode).toBe(Op.SCSI_RESPONSE);
    expect(rsp?.byte1).toBe(0x80 | 0x02);
    expect(rsp?.w44).toBe(10000 - BS);
  });

  it('rejects immediate data longer than FirstBurstLength with reason 0x04', async () => {
    h = await startHarness();
    const c = await h.session({ keys: { FirstBurstLength: '1024' } });
    c.send(
      scsiCommand({
        itt: 1,
        write: true,
        edtl: 4096,
        final: true,
        cmdSN: c.cmdSN,
        cdb: write10(0, 8),
        data: Buffer.alloc(2048),
      }),
    );
    const rej = await c.next();
    expect(rej?.opcode).toBe(Op.REJECT);
    expect(rej?.byte2).toBe(0x04);
    expect(rej?.itt).toBe(NO_TAG);
    expect(rej?.dsl).toBe(48);
    expect(rej?.data[0]).toBe(Op.SCSI_COMMAND);
  });
});

describe('CmdSN window', () => {
  it('discards out-of-window and duplicate commands silently and keeps the connection', async () => {
    h = await startHarness({ queueDepth: 8 });
    const c = await h.session();
    const exp = c.cmdSN;
    await tur(c, exp + 8); // MaxCmdSN + 1
    await tur(c, exp - 1); // below ExpCmdSN
    expect(await c.quiet()).toEqual([]);
    const good = await tur(c, exp);
    const rsp = await c.next();
    expect(rsp?.itt).toBe(good);
    expect(rsp?.expCmdSN).toBe(exp + 1);
    expect(rsp?.maxCmdSN).toBe(exp + 8);
    await tur(c, exp); // duplicate of a delivered command
    expect(await c.quiet()).toEqual([]);
    expect(c.closed).toBe(false);
  });

  it('holds early commands and delivers them in CmdSN order', async () => {
    h = await startHarness();
    const c = await h.session();
    const exp = c.cmdSN;
    const second = await tur(c, exp + 1);
    expect(await c.quiet()).toEqual([]);
    const first = await tur(c, exp);
    expect((await c.next())?.itt).toBe(first);
    expect((await c.next())?.itt).toBe(second);
    expect(h.scsi.executed.map((x) => x.tag)).toEqual([first, second]);
  });
});

describe('NOP, TMF, logout, Reject', () => {
  it('echoes a ping with its data, ITT, LUN and TTT 0xffffffff, advancing StatSN', async () => {
    h = await startHarness();
    const c = await h.session();
    const lun = Buffer.from([0, 3, 0, 0, 0, 0, 0, 0]);
    c.send(nopOut({ itt: 0x42, cmdSN: c.cmdSN, lun, data: Buffer.from('12345678') }));
    const p = await c.next();
    expect(p?.opcode).toBe(Op.NOP_IN);
    expect(p?.itt).toBe(0x42);
    expect(p?.ttt).toBe(NO_TAG);
    expect(p?.bhs.subarray(8, 16)).toEqual(lun);
    expect(p?.data.toString()).toBe('12345678');
    expect(p?.statSN).toBe(2);
    c.send(nopOut({ itt: 0x43, cmdSN: c.cmdSN }));
    const q = await c.next();
    expect([q?.dsl, q?.statSN]).toEqual([0, 3]);
  });

  it('limits a ping echo to the initiator MaxRecvDataSegmentLength (RFC 7143 §11.18)', async () => {
    h = await startHarness();
    const c = await h.session({ keys: { MaxRecvDataSegmentLength: '512' } });
    const ping = pattern(1000);
    c.send(nopOut({ itt: 0x44, cmdSN: c.cmdSN, data: ping }));
    const p = await c.next();
    expect(p?.opcode).toBe(Op.NOP_IN);
    expect(p?.itt).toBe(0x44);
    expect(p?.dsl).toBe(512);
    expect(p?.data).toEqual(ping.subarray(0, 512));
  });

  it('ABORT TASK terminates a running task: response 0 and no SCSI Response ever', async () => {
    h = await startHarness();
    const c = await h.session();
    c.send(
      scsiCommand({ itt: 7, edtl: 0, cmdSN: c.cmdSN, cdb: Buffer.from([0xc0, 0, 0, 0, 0, 0]) }),
    );
    await h.scsi.waitForStalled(1);
    c.send(tmfRequest({ fn: 1, itt: 8, rtt: 7, cmdSN: c.cmdSN + 1, refCmdSN: c.cmdSN }));
    const p = await c.next();
    expect(p?.opcode).toBe(Op.TMF_RESPONSE);
    expect(p?.itt).toBe(8);
    expect(p?.byte2).toBe(0);
    expect(h.scsi.executed[0]?.signal?.aborted).toBe(true);
    h.scsi.stalled[0]?.({ status: 0 });
    expect(await c.quiet()).toEqual([]);
    expect(h.scsi.tmfs.map((t) => t.fn)).toEqual([1]);
  });

  it('ABORT TASK for an unknown, completed task answers 1; an unknown LUN answers 2', async () => {
    h = await startHarness();
    const c = await h.session();
    const t = await tur(c);
    expect((await c.next())?.itt).toBe(t);
    c.send(tmfRequest({ fn: 1, itt: 8, rtt: t, cmdSN: c.cmdSN + 1, refCmdSN: c.cmdSN }));
    expect((await c.next())?.byte2).toBe(1);
    c.send(tmfRequest({ fn: 5, lun: 9, itt: 9, cmdSN: c.cmdSN + 1 }));
    expect((await c.next())?.byte2).toBe(2);
    c.send(tmfRequest({ fn: 8, itt: 10, cmdSN: c.cmdSN + 1 }));
    expect((await c.next())?.byte2).toBe(4);
  });

  it('LU RESET terminates tasks of every session on the LU before answering', async () => {
    h = await startHarness();
    const a = await h.session({ isid: '800000000001' });
    const b = await h.session({ isid: '800000000002' });
    b.send(
      scsiCommand({ itt: 3, edtl: 0, cmdSN: b.cmdSN, cdb: Buffer.from([0xc0, 0, 0, 0, 0, 0]) }),
    );
    await h.scsi.waitForStalled(1);
    a.send(tmfRequest({ fn: 5, itt: 4, cmdSN: a.cmdSN }));
    const p = await a.next();
    expect([p?.opcode, p?.byte2]).toEqual([Op.TMF_RESPONSE, 0]);
    h.scsi.stalled[0]?.({ status: 0 });
    expect(await b.quiet()).toEqual([]);
    expect(h.scsi.tmfs[0]?.fn).toBe(5);
  });

  it('ABORT TASK for a command not yet arrived answers 0 and drops it on arrival (RFC 7143 §11.5.1)', async () => {
    h = await startHarness();
    const c = await h.session();
    const exp = c.cmdSN;
    c.send(tmfRequest({ fn: 1, itt: 8, rtt: 7, cmdSN: exp + 1, refCmdSN: exp }));
    expect((await c.next())?.byte2).toBe(0);
    c.send(scsiCommand({ itt: 7, edtl: 0, cmdSN: exp, cdb: TEST_UNIT_READY }));
    expect(await c.quiet()).toEqual([]);
    expect(h.scsi.executed).toHaveLength(0);
    const t = await tur(c, exp + 1); // its CmdSN was consumed
    const p = await c.next();
    expect(p?.itt).toBe(t);
    expect(p?.expCmdSN).toBe(exp + 2);
  });

  it('TARGET COLD RESET answers, then closes every session of the target', async () => {
    h = await startHarness();
    const a = await h.session({ isid: '800000000001' });
    const b = await h.session({ isid: '800000000002' });
    a.send(tmfRequest({ fn: 7, itt: 4, cmdSN: a.cmdSN }));
    const p = await a.next();
    expect([p?.opcode, p?.byte2]).toEqual([Op.TMF_RESPONSE, 0]);
    expect(await a.closedWithin()).toBe(true);
    expect(await b.closedWithin()).toBe(true);
    expect(h.scsi.tmfs.map((t) => t.fn)).toEqual([7]);
    expect(h.scsi.lost).toHaveLength(2);
  });

  it('ABORT TASK SET ends only the tasks of this session on the LU', async () => {
    h = await startHarness();
    const a = await h.session({ isid: '800000000001' });
    const b = await h.session({ isid: '800000000002' });
    a.send(
      scsiCommand({ itt: 1, edtl: 0, cmdSN: a.cmdSN, cdb: Buffer.from([0xc0, 0, 0, 0, 0, 0]) }),
    );
    b.send(
      scsiCommand({ itt: 1, edtl: 0, cmdSN: b.cmdSN, cdb: Buffer.from([0xc0, 0, 0, 0, 0, 0]) }),
    );
    await h.scsi.waitForStalled(2);
    a.send(tmfRequest({ fn: 2, itt: 4, cmdSN: a.cmdSN + 1 }));
    expect((await a.next())?.byte2).toBe(0);
    for (const resolve of h.scsi.stalled) resolve({ status: 0 });
    expect(await a.quiet()).toEqual([]);
    expect((await b.next())?.itt).toBe(1);
  });

  it('logs out: pending tasks get no response, Logout Response 0, then the connection closes', async () => {
    h = await startHarness();
    const c = await h.session();
    c.send(
      scsiCommand({ itt: 7, edtl: 0, cmdSN: c.cmdSN, cdb: Buffer.from([0xc0, 0, 0, 0, 0, 0]) }),
    );
    c.send(logoutRequest({ itt: 9, cmdSN: c.cmdSN + 1 }));
    const p = await c.next();
    expect(p?.opcode).toBe(Op.LOGOUT_RESPONSE);
    expect([p?.itt, p?.byte2, p?.bhs.readUInt16BE(40), p?.bhs.readUInt16BE(42)]).toEqual([
      9, 0, 0, 0,
    ]);
    expect(await c.closedWithin(2000)).toBe(true);
    expect(h.scsi.lost).toHaveLength(1);
    expect(h.server.sessionCount()).toBe(0);
  });

  it('answers logout for recovery with response 2 and keeps the session', async () => {
    h = await startHarness();
    const c = await h.session();
    c.send(logoutRequest({ itt: 9, reason: 2, cmdSN: c.cmdSN }));
    expect((await c.next())?.byte2).toBe(2);
    const t = await tur(c);
    expect((await c.next())?.itt).toBe(t);
  });

  it.each([
    { title: 'SNACK at ERL 0', opcode: Op.SNACK, reason: 0x04 },
    { title: 'an unknown opcode', opcode: 0x1d, reason: 0x05 },
    { title: 'a Login Request in full feature phase', opcode: Op.LOGIN_REQUEST, reason: 0x04 },
  ])('rejects $title with reason $reason and the BHS as data', async ({ opcode, reason }) => {
    h = await startHarness();
    const c = await h.session();
    const bhs = header({
      opcode,
      immediate: true,
      byte1: 0x80,
      dsl: 0,
      itt: 0x55,
      words: { 24: c.cmdSN },
    });
    c.send(frame(bhs));
    const p = await c.next();
    expect([p?.opcode, p?.byte2, p?.dsl]).toEqual([Op.REJECT, reason, 48]);
    expect(p?.data).toEqual(bhs);
    expect(p?.statSN).toBe(2);
  });

  it('rejects a reused live ITT with reason 0x07', async () => {
    h = await startHarness();
    const c = await h.session();
    c.send(
      scsiCommand({ itt: 7, edtl: 0, cmdSN: c.cmdSN, cdb: Buffer.from([0xc0, 0, 0, 0, 0, 0]) }),
    );
    c.send(scsiCommand({ itt: 7, edtl: 0, cmdSN: c.cmdSN + 1, cdb: TEST_UNIT_READY }));
    const p = await c.next();
    expect([p?.opcode, p?.byte2]).toEqual([Op.REJECT, 0x07]);
    h.scsi.stalled[0]?.({ status: 0 });
  });

  it('rejects a bidirectional command and EDTL without direction with reason 0x09', async () => {
    h = await startHarness();
    const c = await h.session();
    c.send(
      scsiCommand({
        itt: 1,
        read: true,
        write: true,
        edtl: 512,
        cmdSN: c.cmdSN,
        cdb: read10(0, 1),
      }),
    );
    expect((await c.next())?.byte2).toBe(0x09);
    c.send(scsiCommand({ itt: 2, edtl: 512, cmdSN: c.cmdSN, cdb: read10(0, 1) }));
    expect((await c.next())?.byte2).toBe(0x09);
  });

  it('maps a non "00 nn" LUN to a LUN the ScsiTarget does not have', async () => {
    h = await startHarness();
    const c = await h.session();
    c.send(
      scsiCommand({
        itt: 1,
        edtl: 0,
        cmdSN: c.cmdSN,
        lun: Buffer.from([0x40, 1, 0, 0, 0, 0, 0, 0]),
        cdb: TEST_UNIT_READY,
      }),
    );
    const p = await c.next();
    expect(p?.byte3).toBe(2);
    expect(h.scsi.executed[0]?.lun).toBe(-1);
  });
});

describe('a failing SCSI side', () => {
  it('answers Response 0x01 (target failure) when execute rejects or throws, and carries on', async () => {
    h = await startHarness();
    const c = await h.session();
    const original = h.scsi.execute.bind(h.scsi);
    let calls = 0;
    h.scsi.execute = (cmd) => {
      calls++;
      if (calls === 1) return Promise.reject(new Error('bug'));
      if (calls === 2) throw new Error('sync bug');
      return original(cmd);
    };
    for (const itt of [1, 2]) {
      c.send(scsiCommand({ itt, edtl: 0, cmdSN: c.cmdSN++, cdb: TEST_UNIT_READY }));
      const p = await c.next();
      expect([p?.opcode, p?.itt, p?.byte2]).toEqual([Op.SCSI_RESPONSE, itt, 0x01]);
    }
    const t = await tur(c);
    expect((await c.next())?.byte2).toBe(0);
    expect(t).toBeGreaterThan(0);
  });
});

describe('digests', () => {
  it('checks and sends CRC32C header and data digests after login', async () => {
    h = await startHarness();
    const c = await h.session({ keys: { HeaderDigest: 'CRC32C,None', DataDigest: 'CRC32C' } });
    const f = { headerDigest: true, dataDigest: true };
    c.send(nopOut({ itt: 3, cmdSN: c.cmdSN, data: Buffer.from('abcde') }, f));
    const p = await c.next();
    expect(p?.data.toString()).toBe('abcde');
    // A corrupted data digest: Reject 0x02, connection stays.
    const bad = nopOut({ itt: 4, cmdSN: c.cmdSN, data: Buffer.from('abcde') }, f);
    bad.writeUInt8(bad.readUInt8(bad.length - 1) ^ 0xff, bad.length - 1);
    c.send(bad);
    expect((await c.next())?.byte2).toBe(0x02);
    // A corrupted header digest: the stream is untrusted, the connection closes.
    const worse = nopOut({ itt: 5, cmdSN: c.cmdSN }, f);
    worse.writeUInt8(worse.readUInt8(49) ^ 0xff, 49);
    c.send(worse);
    expect(await c.closedWithin()).toBe(true);
  });
});

describe('data digest on Data-Out', () => {
  it('rejects the PDU with 0x02 and ends the task with CHECK CONDITION 0B/47/05', async () => {
    h = await startHarness();
    const c = await h.session({
      keys: { DataDigest: 'CRC32C', InitialR2T: 'Yes', ImmediateData: 'No' },
    });
    const f = { dataDigest: true };
    c.send(scsiCommand({ itt: 1, write: true, edtl: BS, cmdSN: c.cmdSN, cdb: write10(0, 1) }, f));
    const r2t = await c.next();
    expect(r2t?.opcode).toBe(Op.R2T);
    const bad = dataOut(
      { itt: 1, ttt: r2t?.ttt ?? 0, dataSN: 0, offset: 0, data: Buffer.alloc(BS, 1) },
      f,
    );
    bad.writeUInt8(bad.readUInt8(bad.length - 1) ^ 0xff, bad.length - 1);
    c.send(bad);
    const rej = await c.next();
    expect([rej?.opcode, rej?.byte2]).toEqual([Op.REJECT, 0x02]);
    const rsp = await c.next();
    expect([
      rsp?.opcode,
      rsp?.byte3,
      rsp?.data[2 + 2],
      rsp?.data[2 + 12],
      rsp?.data[2 + 13],
    ]).toEqual([Op.SCSI_RESPONSE, 2, 0x0b, 0x47, 0x05]);
    expect(h.scsi.writes).toHaveLength(0);
  });
});

describe('two sessions', () => {
  it('a malformed PDU ends only its own connection', async () => {
    h = await startHarness();
    const a = await h.session({ isid: '800000000001' });
    const b = await h.session({ isid: '800000000002' });
    // DSL above our declared MaxRecvDataSegmentLength: framing can no longer be trusted.
    a.send(header({ opcode: Op.NOP_OUT, immediate: true, byte1: 0x80, dsl: 262148, itt: 1 }));
    expect(await a.closedWithin()).toBe(true);
    const t = await tur(b);
    expect((await b.next())?.itt).toBe(t);
    expect(h.server.sessionCount()).toBe(1);
  });

  it('reinstates a session logged in again with the same ISID (tasks end silently)', async () => {
    h = await startHarness();
    const a = await h.session({ isid: '800000000001' });
    a.send(
      scsiCommand({ itt: 7, edtl: 0, cmdSN: a.cmdSN, cdb: Buffer.from([0xc0, 0, 0, 0, 0, 0]) }),
    );
    await h.scsi.waitForStalled(1);
    const b = await h.session({ isid: '800000000001' });
    expect(await a.closedWithin()).toBe(true);
    expect(h.scsi.lost).toHaveLength(1);
    expect(h.scsi.executed[0]?.signal?.aborted).toBe(true);
    const t = await tur(b);
    expect((await b.next())?.itt).toBe(t);
    expect(h.server.sessionCount()).toBe(1);
  });
});

describe('text in full feature phase', () => {
  it('answers a C=1 text request with an empty F=0 response carrying a TTT, then the whole answer', async () => {
    h = await startHarness();
    const c = await h.session();
    const whole = Buffer.from('SendTargets=\0');
    c.send(
      textRequest({ itt: 3, final: false, cont: true, cmdSN: c.cmdSN, data: whole.subarray(0, 5) }),
    );
    const p1 = await c.next();
    expect([p1?.opcode, p1?.byte1, p1?.dsl]).toEqual([Op.TEXT_RESPONSE, 0x00, 0]);
    expect(p1?.ttt).not.toBe(NO_TAG);
    c.send(textRequest({ itt: 3, ttt: p1?.ttt ?? 0, cmdSN: c.cmdSN, data: whole.subarray(5) }));
    const p2 = await c.next();
    expect([p2?.byte1, p2?.ttt]).toEqual([0x80, NO_TAG]);
    expect(p2?.data.toString()).toContain('TargetName=iqn.2026-11.test:target');
  });
});

describe('close()', () => {
  it('rejects new commands with 0x0c once a logout has been requested', async () => {
    h = await startHarness();
    const c = await h.session();
    const closing = h.server.close();
    expect((await c.next())?.opcode).toBe(Op.ASYNC);
    c.send(scsiCommand({ itt: 5, edtl: 0, cmdSN: c.cmdSN, cdb: TEST_UNIT_READY }));
    const p = await c.next();
    expect([p?.opcode, p?.byte2]).toEqual([Op.REJECT, 0x0c]);
    await closing;
    expect(c.closed || (await c.closedWithin())).toBe(true);
  });

  it('sends an Async Message event 1 before dropping sessions', async () => {
    h = await startHarness();
    const c = await h.session();
    const closing = h.server.close();
    const p = await c.next();
    expect(p?.opcode).toBe(Op.ASYNC);
    expect(p?.itt).toBe(NO_TAG);
    expect(p?.bhs[36]).toBe(1);
    expect(p?.bhs.readUInt16BE(42)).toBeGreaterThan(0);
    c.send(logoutRequest({ itt: 2, cmdSN: c.cmdSN }));
    expect((await c.next())?.opcode).toBe(Op.LOGOUT_RESPONSE);
    await closing;
    expect(h.server.sessionCount()).toBe(0);
  });
});
