// Every limit of transport/limits.ts, exceeded once over a real socket (docs/architecture.md).
import { afterEach, describe, expect, it } from 'vitest';
import {
  MAX_AHS_BYTES,
  MAX_CDB_BYTES,
  MAX_LOGIN_DATA_SEGMENT,
  MAX_LOGIN_PDUS,
  MAX_LOGINS_IN_PROGRESS,
  MAX_LOGINS_IN_PROGRESS_PER_ADDRESS,
  MAX_NAME_LENGTH,
  MAX_NEGOTIATION_TEXT,
  MAX_OPEN_R2T_BURSTS,
  MAX_PENDING_IMMEDIATE,
  TARGET_MAX_RECV_DATA_SEGMENT,
} from '../../../transport/limits.js';
import {
  dataOut,
  frame,
  header,
  loginRequest,
  loginStatus,
  NO_TAG,
  nopOut,
  Op,
  parseText,
  read10,
  scsiCommand,
  TEST_UNIT_READY,
  text,
  textRequest,
  WireInitiator,
  write10,
} from '../../helpers/wire.js';
import { BS, FakeScsiTarget, type Harness, startHarness, TARGET } from './harness.js';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const INITIATOR = 'iqn.2026-11.test:initiator';
const STALL = Buffer.from([0xc0, 0, 0, 0, 0, 0]);

describe('login limits', () => {
  it(`closes without answer when a login data segment exceeds ${MAX_LOGIN_DATA_SEGMENT} bytes`, async () => {
    h = await startHarness();
    const c = await h.connect();
    c.send(loginRequest({ data: Buffer.alloc(MAX_LOGIN_DATA_SEGMENT + 4, 0x41) }));
    expect(await c.next()).toBeUndefined(); // returns at the close, or fails after 5 s
    expect(c.closed).toBe(true);
  });

  it(`answers 0x0200 when login text passes ${MAX_NEGOTIATION_TEXT} bytes over continuations`, async () => {
    h = await startHarness();
    const c = await h.connect();
    const chunk = Buffer.alloc(8192, 0x41);
    let last;
    for (let i = 0; i * 8192 <= MAX_NEGOTIATION_TEXT; i++) {
      c.send(loginRequest({ transit: false, cont: true, data: chunk }));
      last = await c.next();
      if (!last || loginStatus(last) !== 0) break;
    }
    expect(last && loginStatus(last)).toBe(0x0200);
  });

  it(`drops the connection after ${MAX_LOGIN_PDUS} login PDUs`, async () => {
    h = await startHarness();
    const c = await h.connect();
    const keys = text({ InitiatorName: INITIATOR, TargetName: TARGET });
    let answered = 0;
    for (let i = 0; i <= MAX_LOGIN_PDUS; i++) {
      c.send(loginRequest({ transit: false, data: i === 0 ? keys : Buffer.alloc(0) }));
      if (await c.next()) answered++; // an answer, or the close
    }
    expect(answered).toBe(MAX_LOGIN_PDUS);
    expect(await c.closedWithin()).toBe(true);
  });

  it(`refuses an InitiatorName longer than ${MAX_NAME_LENGTH} bytes (0x0200)`, async () => {
    h = await startHarness();
    const c = await h.connect();
    c.send(
      loginRequest({
        data: text({ InitiatorName: `iqn.${'x'.repeat(MAX_NAME_LENGTH)}`, TargetName: TARGET }),
      }),
    );
    const p = await c.next();
    expect(p && loginStatus(p)).toBe(0x0200);
  });

  it('closes a connection that does not finish login before the deadline', async () => {
    h = await startHarness({ limits: { loginTimeoutMs: 150 } });
    const c = await h.connect();
    expect(await c.closedWithin(1500)).toBe(true);
  });

  it('answers 0x0302 beyond the connection limit of the portal', async () => {
    h = await startHarness({ limits: { maxConnections: 1 } });
    await h.session();
    const c = await h.connect();
    c.send(loginRequest({ data: text({ InitiatorName: INITIATOR, TargetName: TARGET }) }));
    const p = await c.next();
    expect(p && loginStatus(p)).toBe(0x0302);
  });

  it('answers 0x0302 beyond the sessions allowed per initiator', async () => {
    h = await startHarness({ limits: { maxSessionsPerInitiator: 1 } });
    await h.session({ isid: '800000000001' });
    const c = await h.connect();
    const p = await c.login({ isid: '800000000002' });
    expect(loginStatus(p)).toBe(0x0302);
  });
});

describe('connections still in login', () => {
  const PER_ADDRESS = MAX_LOGINS_IN_PROGRESS_PER_ADDRESS;
  /** Opens `n` connections from `address` that never send a byte. */
  const halfOpen = (port: number, address: string, n: number) =>
    Promise.all(Array.from({ length: n }, () => WireInitiator.connect(port, '127.0.0.1', address)));
  /** Resolves once `count` of them have been closed by the target (close events, no sleeps). */
  const untilClosed = (conns: WireInitiator[], count: number) =>
    new Promise<void>((resolve, reject) => {
      let closed = conns.filter((c) => c.closed).length;
      if (closed >= count) return resolve();
      const fail = () => reject(new Error(`only ${closed} of ${count} closed`));
      const timer = setTimeout(fail, 10_000);
      for (const c of conns.filter((x) => !x.closed)) {
        c.socket.once('close', () => {
          if (++closed < count) return;
          clearTimeout(timer);
          resolve();
        });
      }
    });

  it(`keeps ${PER_ADDRESS} half-open logins per address; 300 lock out nobody else`, async () => {
    h = await startHarness();
    const established = await h.session();
    const flood = await halfOpen(h.port, '127.0.0.1', 300);
    // Everything beyond the budget is closed at once, long before the 15 s login deadline.
    await untilClosed(flood, 300 - PER_ADDRESS);
    // Another peer logs in; the established session still answers.
    const other = await WireInitiator.connect(h.port, '127.0.0.1', '127.0.0.2');
    expect(loginStatus(await other.login({ isid: '800000000002' }))).toBe(0);
    established.send(nopOut({ itt: 5, cmdSN: established.cmdSN, immediate: true }));
    expect((await established.next())?.opcode).toBe(Op.NOP_IN);
    // The target has answered since: the budget's own half-open logins are still there.
    expect(flood.filter((c) => !c.closed).length).toBe(PER_ADDRESS);
    // A slot comes back when a half-open login goes away.
    for (const c of flood) c.close();
    const again = await WireInitiator.connect(h.port);
    expect(loginStatus(await again.login({ isid: '800000000003' }))).toBe(0);
  });

  it(`keeps at most ${MAX_LOGINS_IN_PROGRESS} half-open logins in all, sessions live`, async () => {
    h = await startHarness();
    const established = await h.session();
    const peers = Math.ceil(MAX_LOGINS_IN_PROGRESS / PER_ADDRESS);
    const held: WireInitiator[] = [];
    for (let i = 0; i < peers; i++) {
      held.push(...(await halfOpen(h.port, `127.0.1.${i + 1}`, PER_ADDRESS)));
    }
    const late = await WireInitiator.connect(h.port, '127.0.0.1', '127.0.2.1');
    await untilClosed([late], 1);
    established.send(nopOut({ itt: 5, cmdSN: established.cmdSN, immediate: true }));
    expect((await established.next())?.opcode).toBe(Op.NOP_IN);
    expect(held.filter((c) => !c.closed).length).toBe(MAX_LOGINS_IN_PROGRESS);
  });
});

describe('full feature phase limits', () => {
  it(`closes on a data segment above our MaxRecvDataSegmentLength (${TARGET_MAX_RECV_DATA_SEGMENT})`, async () => {
    h = await startHarness();
    const c = await h.session();
    c.send(
      header({
        opcode: Op.NOP_OUT,
        immediate: true,
        byte1: 0x80,
        dsl: TARGET_MAX_RECV_DATA_SEGMENT + 4,
        itt: 1,
      }),
    );
    expect(await c.closedWithin()).toBe(true);
  });

  it(`closes on an AHS longer than ${MAX_AHS_BYTES} bytes`, async () => {
    h = await startHarness();
    const c = await h.session();
    const ahs = Buffer.alloc(MAX_AHS_BYTES + 4);
    c.send(scsiCommand({ itt: 1, edtl: 0, cmdSN: c.cmdSN, cdb: TEST_UNIT_READY, ahs }));
    expect(await c.closedWithin()).toBe(true);
  });

  function extendedCdbAhs(cdbLength: number): Buffer {
    const extra = cdbLength - 16;
    const ahs = Buffer.alloc((3 + 1 + extra + 3) & ~3);
    ahs.writeUInt16BE(extra + 1, 0); // AHSLength = CDB length - 15
    ahs[2] = 1; // Extended CDB
    return ahs;
  }

  it('passes an extended CDB joined from the AHS', async () => {
    h = await startHarness();
    const c = await h.session();
    const cdb = Buffer.alloc(16);
    cdb[0] = 0x7f;
    c.send(scsiCommand({ itt: 1, edtl: 0, cmdSN: c.cmdSN, cdb, ahs: extendedCdbAhs(32) }));
    await c.next();
    expect(h.scsi.executed[0]?.cdb.length).toBe(32);
  });

  it(`rejects a CDB longer than ${MAX_CDB_BYTES} bytes with reason 0x09`, async () => {
    h = await startHarness();
    const c = await h.session();
    c.send(
      scsiCommand({
        itt: 1,
        edtl: 0,
        cmdSN: c.cmdSN,
        cdb: TEST_UNIT_READY,
        ahs: extendedCdbAhs(MAX_CDB_BYTES + 4),
      }),
    );
    const p = await c.next();
    expect([p?.opcode, p?.byte2]).toEqual([Op.REJECT, 0x09]);
  });

  it(`rejects immediate commands beyond ${MAX_PENDING_IMMEDIATE} outstanding with reason 0x06`, async () => {
    h = await startHarness();
    const c = await h.session();
    for (let i = 0; i <= MAX_PENDING_IMMEDIATE; i++) {
      c.send(scsiCommand({ immediate: true, itt: 100 + i, edtl: 0, cmdSN: c.cmdSN, cdb: STALL }));
    }
    const p = await c.next();
    expect([p?.opcode, p?.byte2]).toEqual([Op.REJECT, 0x06]);
    expect(p?.data.readUInt32BE(16)).toBe(100 + MAX_PENDING_IMMEDIATE);
    for (const resolve of h.scsi.stalled) resolve({ status: 0 });
  });

  it('closes the window at the queue depth and reopens it per completed command', async () => {
    h = await startHarness({ queueDepth: 4 });
    const c = await h.session();
    const exp = c.cmdSN;
    for (let i = 0; i < 4; i++)
      c.send(scsiCommand({ itt: 10 + i, edtl: 0, cmdSN: exp + i, cdb: STALL }));
    c.send(scsiCommand({ itt: 20, edtl: 0, cmdSN: exp + 4, cdb: TEST_UNIT_READY })); // outside: dropped
    await h.scsi.waitForStalled(4);
    h.scsi.stalled[0]?.({ status: 0 });
    const p = await c.next();
    expect(p?.itt).toBe(10);
    expect(p?.expCmdSN).toBe(exp + 4);
    expect(p?.maxCmdSN).toBe(exp + 4); // one slot reopened
    expect(await c.quiet()).toEqual([]); // the dropped TUR never ran
    expect(h.scsi.executed.map((x) => x.tag)).not.toContain(20);
    expect(h.scsi.stalled).toHaveLength(4);
    for (const resolve of h.scsi.stalled.slice(1)) resolve({ status: 0 });
  });

  it('answers TASK SET FULL beyond the tasks allowed per session', async () => {
    h = await startHarness({ limits: { maxTasksPerSession: 2 } });
    const c = await h.session();
    for (let i = 0; i < 2; i++)
      c.send(scsiCommand({ itt: 10 + i, edtl: 0, cmdSN: c.cmdSN + i, cdb: STALL }));
    c.send(scsiCommand({ itt: 12, edtl: 0, cmdSN: c.cmdSN + 2, cdb: TEST_UNIT_READY }));
    const p = await c.next();
    expect([p?.opcode, p?.itt, p?.byte3]).toEqual([Op.SCSI_RESPONSE, 12, 0x28]);
    for (const resolve of h.scsi.stalled) resolve({ status: 0 });
  });

  it(`opens at most ${MAX_OPEN_R2T_BURSTS} R2T bursts per session at once`, async () => {
    h = await startHarness();
    const c = await h.session({ keys: { InitialR2T: 'Yes', ImmediateData: 'No' } });
    const n = MAX_OPEN_R2T_BURSTS + 2;
    for (let i = 0; i < n; i++)
      c.send(
        scsiCommand({ itt: 10 + i, write: true, edtl: BS, cmdSN: c.cmdSN + i, cdb: write10(i, 1) }),
      );
    const r2ts = await c.quiet();
    expect(r2ts.map((p) => p.opcode)).toEqual(Array(MAX_OPEN_R2T_BURSTS).fill(Op.R2T));
    const first = r2ts[0];
    c.send(
      dataOut({
        itt: first?.itt ?? 0,
        ttt: first?.ttt ?? 0,
        dataSN: 0,
        offset: 0,
        data: Buffer.alloc(BS),
      }),
    );
    const more = [await c.next(), await c.next()];
    expect(more.map((p) => p?.opcode).sort()).toEqual([Op.SCSI_RESPONSE, Op.R2T]);
  });

  it('closes the connection when Data-Out does not follow an R2T in time', async () => {
    h = await startHarness({ limits: { dataOutTimeoutMs: 150 } });
    const c = await h.session({ keys: { InitialR2T: 'Yes', ImmediateData: 'No' } });
    c.send(scsiCommand({ itt: 1, write: true, edtl: BS, cmdSN: c.cmdSN, cdb: write10(0, 1) }));
    expect((await c.next())?.opcode).toBe(Op.R2T);
    expect(await c.closedWithin(1500)).toBe(true);
  });

  it('pings an idle initiator and drops it when the ping goes unanswered', async () => {
    h = await startHarness({ limits: { nopIntervalMs: 100, nopTimeoutMs: 150 } });
    const c = await h.session();
    const ping = await c.next(1000);
    expect(ping?.opcode).toBe(Op.NOP_IN);
    expect(ping?.itt).toBe(NO_TAG);
    expect(ping?.ttt).not.toBe(NO_TAG);
    expect(ping?.dsl).toBe(0);
    expect(await c.closedWithin(1500)).toBe(true);
  });

  it('keeps an initiator that answers the pings', async () => {
    h = await startHarness({ limits: { nopIntervalMs: 100, nopTimeoutMs: 150 } });
    const c = await h.session();
    for (let i = 0; i < 3; i++) {
      const ping = await c.next(1000);
      expect(ping?.opcode).toBe(Op.NOP_IN);
      c.send(nopOut({ immediate: true, itt: NO_TAG, ttt: ping?.ttt ?? 0, cmdSN: c.cmdSN }));
    }
    expect(c.closed).toBe(false);
  });

  it('continues a SendTargets answer longer than the initiator MRDSL in parts', async () => {
    const extra = Array.from({ length: 20 }, (_, i) => ({
      name: `iqn.2026-11.test:t${String(i).padStart(2, '0')}`,
      scsi: new FakeScsiTarget(),
    }));
    h = await startHarness({ extraTargets: extra });
    const c = await h.connect();
    c.send(
      loginRequest({
        data: text({
          InitiatorName: INITIATOR,
          SessionType: 'Discovery',
          MaxRecvDataSegmentLength: '512',
        }),
      }),
    );
    const login = await c.next();
    const cmdSN = login?.expCmdSN ?? 0;
    c.send(textRequest({ itt: 2, cmdSN, data: text({ SendTargets: 'All' }) }));
    const parts = [];
    for (let p = await c.next(); p; p = (p.byte1 & 0x80) === 0 ? await c.next() : undefined) {
      expect(p.opcode).toBe(Op.TEXT_RESPONSE);
      expect(p.dsl).toBeLessThanOrEqual(512);
      parts.push(p.data);
      const more = (p.byte1 & 0x80) === 0;
      if (more) c.send(textRequest({ itt: 2, ttt: p.ttt, cmdSN, data: Buffer.alloc(0) }));
    }
    expect(parts.length).toBeGreaterThan(1);
    const pairs = parseText(Buffer.concat(parts));
    const names = pairs.filter(([k]) => k === 'TargetName').map(([, v]) => v);
    expect(names).toEqual([TARGET, ...extra.map((t) => t.name)]);
  });

  it('keeps working with a tiny write high-water mark (backpressure pauses, drain resumes)', async () => {
    h = await startHarness({ limits: { writeHighWater: 1 } });
    const c = await h.session();
    for (let i = 0; i < 4; i++)
      c.send(
        scsiCommand({
          itt: 10 + i,
          read: true,
          edtl: 128 * BS,
          cmdSN: c.cmdSN + i,
          cdb: read10(0, 128),
        }),
      );
    c.send(
      frame(
        header({
          opcode: Op.SCSI_COMMAND,
          byte1: 0x81,
          dsl: 0,
          itt: 99,
          words: { 24: c.cmdSN + 4 },
        }),
      ),
    );
    const seen = new Set<number>();
    // Until every task has its status, or the target goes silent for 5 s (a failure).
    while (seen.size < 5) {
      const p = await c.next();
      if (p === undefined) break;
      if (p.byte1 & 0x01 || p.opcode === Op.SCSI_RESPONSE) seen.add(p.itt);
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([10, 11, 12, 13, 99]);
  });
});
