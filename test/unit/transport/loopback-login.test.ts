// Login phase over a real socket: stages, status codes (RFC 7143 §11.13.5), CHAP (RFC 1994 MD5,
// expected values computed here with node:crypto), discovery and SendTargets.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  header,
  frame,
  loginRequest,
  loginStatus,
  nopOut,
  Op,
  parseText,
  text,
  textRequest,
  tsihOf,
  type WireInitiator,
} from '../../helpers/wire.js';
import { FakeScsiTarget, type Harness, startHarness, TARGET } from './harness.js';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const INITIATOR = 'iqn.2026-11.test:initiator';
const OPERATIONAL = {
  HeaderDigest: 'None',
  DataDigest: 'None',
  MaxRecvDataSegmentLength: '262144',
};

async function loginPdu(c: WireInitiator, spec: Parameters<typeof loginRequest>[0]) {
  c.send(loginRequest(spec));
  const p = await c.next();
  if (!p) throw new Error('no response');
  return { pdu: p, keys: Object.fromEntries(parseText(p.data)) as Record<string, string> };
}

describe('login status codes', () => {
  it.each([
    { title: 'no InitiatorName', keys: { TargetName: TARGET }, status: 0x0207 },
    {
      title: 'no TargetName in a normal session',
      keys: { InitiatorName: INITIATOR },
      status: 0x0207,
    },
    {
      title: 'an unknown target',
      keys: { InitiatorName: INITIATOR, TargetName: 'iqn.2026-11.test:nope' },
      status: 0x0203,
    },
    {
      title: 'an unknown SessionType',
      keys: { InitiatorName: INITIATOR, TargetName: TARGET, SessionType: 'Weird' },
      status: 0x0209,
    },
  ])('answers $title with $status and closes', async ({ keys, status }) => {
    h = await startHarness();
    const c = await h.connect();
    const { pdu } = await loginPdu(c, { data: text(keys) });
    expect(pdu.opcode).toBe(Op.LOGIN_RESPONSE);
    expect(loginStatus(pdu)).toBe(status);
    expect(pdu.dsl).toBe(0);
    expect(await c.closedWithin()).toBe(true);
  });

  it('denies an initiator outside the ACL with authorization failure (0x0202, RFC 7143 11.13.5)', async () => {
    h = await startHarness({ target: { initiators: ['iqn.2026-11.test:other'] } });
    const c = await h.connect();
    const { pdu } = await loginPdu(c, {
      data: text({ InitiatorName: INITIATOR, TargetName: TARGET }),
    });
    expect(loginStatus(pdu)).toBe(0x0202);
  });

  it('answers Version-min > 0 with 0x0205', async () => {
    h = await startHarness();
    const c = await h.connect();
    const { pdu } = await loginPdu(c, {
      versionMax: 2,
      versionMin: 1,
      data: text({ InitiatorName: INITIATOR, TargetName: TARGET }),
    });
    expect(loginStatus(pdu)).toBe(0x0205);
  });

  it('answers an unknown TSIH with 0x020a and a live one with 0x0206', async () => {
    h = await startHarness();
    const first = await h.session();
    const live = h.server.sessionCount();
    expect(live).toBe(1);
    const c = await h.connect();
    const { pdu } = await loginPdu(c, {
      tsih: 999,
      data: text({ InitiatorName: INITIATOR, TargetName: TARGET }),
    });
    expect(loginStatus(pdu)).toBe(0x020a);
    const d = await h.connect();
    const { pdu: p2 } = await loginPdu(d, {
      tsih: 1,
      data: text({ InitiatorName: INITIATOR, TargetName: TARGET }),
    });
    expect(loginStatus(p2)).toBe(0x0206);
    expect(first.closed).toBe(false);
  });

  it('answers a non-Login PDU during login with 0x020b', async () => {
    h = await startHarness();
    const c = await h.connect();
    c.send(nopOut({ itt: 5, cmdSN: 1 }));
    const p = await c.next();
    expect([p?.opcode, p && loginStatus(p), p?.itt]).toEqual([Op.LOGIN_RESPONSE, 0x020b, 5]);
    expect(await c.closedWithin()).toBe(true);
  });

  it.each([
    { title: 'T=1 with NSG <= CSG', spec: { csg: 1, nsg: 1 } },
    { title: 'T and C together', spec: { cont: true } },
    { title: 'CSG 2', spec: { csg: 2, nsg: 3 } },
    {
      title: 'text without the final NUL',
      spec: { data: Buffer.from(`InitiatorName=${INITIATOR}\0TargetName=${TARGET}`) },
    },
  ])('answers $title with 0x0200', async ({ spec }) => {
    h = await startHarness();
    const c = await h.connect();
    const { pdu } = await loginPdu(c, {
      data: text({ InitiatorName: INITIATOR, TargetName: TARGET }),
      ...spec,
    });
    expect(loginStatus(pdu)).toBe(0x0200);
  });
});

describe('login stages', () => {
  it('walks security (AuthMethod=None) -> operational -> FFP; TPGT in the first response, TSIH only in the last', async () => {
    h = await startHarness();
    const c = await h.connect();
    const r1 = await loginPdu(c, {
      csg: 0,
      nsg: 1,
      transit: true,
      cmdSN: 5,
      data: text({
        InitiatorName: INITIATOR,
        TargetName: TARGET,
        SessionType: 'Normal',
        AuthMethod: 'CHAP,None',
      }),
    });
    expect(loginStatus(r1.pdu)).toBe(0);
    expect(r1.pdu.byte1).toBe(0x80 | (0 << 2) | 1);
    expect(r1.keys).toEqual({ TargetPortalGroupTag: '1', AuthMethod: 'None' });
    expect(tsihOf(r1.pdu)).toBe(0);
    expect(r1.pdu.statSN).toBe(1);
    const r2 = await loginPdu(c, {
      csg: 1,
      nsg: 3,
      transit: false,
      cmdSN: 5,
      expStatSN: 2,
      data: text({ ...OPERATIONAL, InitialR2T: 'Yes' }),
    });
    expect(r2.pdu.byte1).toBe(1 << 2); // T=0: we only go on when asked
    expect(tsihOf(r2.pdu)).toBe(0);
    expect(r2.keys).toEqual({
      HeaderDigest: 'None',
      DataDigest: 'None',
      InitialR2T: 'Yes',
      MaxRecvDataSegmentLength: '262144',
    });
    expect(r2.pdu.statSN).toBe(2);
    // libiscsi re-sends the same keys while we answer T=0: identical repeats are fine.
    const r3 = await loginPdu(c, {
      csg: 1,
      nsg: 3,
      transit: true,
      cmdSN: 5,
      data: text({ ...OPERATIONAL, InitialR2T: 'Yes' }),
    });
    expect(loginStatus(r3.pdu)).toBe(0);
    expect(r3.pdu.byte1).toBe(0x80 | (1 << 2) | 3);
    expect(tsihOf(r3.pdu)).not.toBe(0);
    expect(r3.pdu.statSN).toBe(3);
    expect(h.server.sessionCount()).toBe(1);
  });

  it('refuses a key repeated with another value (0x0200)', async () => {
    h = await startHarness();
    const c = await h.connect();
    await loginPdu(c, {
      transit: false,
      data: text({ InitiatorName: INITIATOR, TargetName: TARGET, InitialR2T: 'No' }),
    });
    const r = await loginPdu(c, { data: text({ InitialR2T: 'Yes' }) });
    expect(loginStatus(r.pdu)).toBe(0x0200);
  });

  it('answers a C=1 partial text with an empty response and parses the whole text after', async () => {
    h = await startHarness();
    const c = await h.connect();
    const all = text({ InitiatorName: INITIATOR, TargetName: TARGET, ...OPERATIONAL });
    const r1 = await loginPdu(c, { transit: false, cont: true, data: all.subarray(0, 20) });
    expect([loginStatus(r1.pdu), r1.pdu.dsl, r1.pdu.byte1]).toEqual([0, 0, 1 << 2]);
    const r2 = await loginPdu(c, { data: all.subarray(20) });
    expect(loginStatus(r2.pdu)).toBe(0);
    expect(r2.keys.TargetPortalGroupTag).toBe('1');
    expect(tsihOf(r2.pdu)).not.toBe(0);
  });
});

describe('CHAP', () => {
  const chap = { user: 'alice', secret: 'alice-secret-123' };
  const mutual = { user: 'target-user', secret: 'target-secret-456' };
  const md5 = (id: number, secret: string, challenge: Buffer) =>
    createHash('md5').update(Buffer.of(id)).update(secret).update(challenge).digest();

  async function chapLogin(
    c: WireInitiator,
    response: (id: number, challenge: Buffer) => Record<string, string>,
  ) {
    const r1 = await loginPdu(c, {
      csg: 0,
      nsg: 1,
      data: text({ InitiatorName: INITIATOR, TargetName: TARGET, AuthMethod: 'CHAP,None' }),
    });
    expect(r1.keys).toEqual({ TargetPortalGroupTag: '1', AuthMethod: 'CHAP' });
    expect(r1.pdu.byte1 & 0x80).toBe(0);
    const r2 = await loginPdu(c, { csg: 0, nsg: 1, transit: false, data: text({ CHAP_A: '7,5' }) });
    expect(r2.keys.CHAP_A).toBe('5');
    const id = Number(r2.keys.CHAP_I);
    expect(id).toBeGreaterThanOrEqual(0);
    expect(id).toBeLessThanOrEqual(255);
    expect(r2.keys.CHAP_C).toMatch(/^0x[0-9a-f]{32}$/);
    const challenge = Buffer.from((r2.keys.CHAP_C ?? '').slice(2), 'hex');
    return {
      r3: await loginPdu(c, { csg: 0, nsg: 1, data: text(response(id, challenge)) }),
      challenge,
    };
  }

  it('accepts a correct one-way response (hex) and goes on to FFP', async () => {
    h = await startHarness({ target: { chap } });
    const c = await h.connect();
    const { r3 } = await chapLogin(c, (id, ch) => ({
      CHAP_N: 'alice',
      CHAP_R: `0x${md5(id, chap.secret, ch).toString('hex')}`,
    }));
    expect(loginStatus(r3.pdu)).toBe(0);
    expect(r3.pdu.byte1).toBe(0x80 | 1);
    const r4 = await loginPdu(c, { csg: 1, nsg: 3, data: text(OPERATIONAL) });
    expect(loginStatus(r4.pdu)).toBe(0);
    expect(tsihOf(r4.pdu)).not.toBe(0);
  });

  it('accepts a base64 (0b) response', async () => {
    h = await startHarness({ target: { chap } });
    const c = await h.connect();
    const { r3 } = await chapLogin(c, (id, ch) => ({
      CHAP_N: 'alice',
      CHAP_R: `0b${md5(id, chap.secret, ch).toString('base64')}`,
    }));
    expect(loginStatus(r3.pdu)).toBe(0);
  });

  it.each([
    {
      title: 'a wrong secret',
      make: (id: number, ch: Buffer) => ({
        CHAP_N: 'alice',
        CHAP_R: `0x${md5(id, 'wrong-secret-000', ch).toString('hex')}`,
      }),
    },
    {
      title: 'a wrong name',
      make: (id: number, ch: Buffer) => ({
        CHAP_N: 'bob',
        CHAP_R: `0x${md5(id, chap.secret, ch).toString('hex')}`,
      }),
    },
    { title: 'a short response', make: () => ({ CHAP_N: 'alice', CHAP_R: '0x0011' }) },
  ])('refuses $title with 0x0201', async ({ make }) => {
    h = await startHarness({ target: { chap } });
    const c = await h.connect();
    const { r3 } = await chapLogin(c, make);
    expect(loginStatus(r3.pdu)).toBe(0x0201);
    expect(await c.closedWithin()).toBe(true);
  });

  it('refuses a stage-1 start when CHAP is required (0x0201)', async () => {
    h = await startHarness({ target: { chap } });
    const c = await h.connect();
    const r = await loginPdu(c, { data: text({ InitiatorName: INITIATOR, TargetName: TARGET }) });
    expect(loginStatus(r.pdu)).toBe(0x0201);
  });

  it('answers a mutual challenge with the target credentials and refuses a reflected one', async () => {
    h = await startHarness({ target: { chap, mutualChap: mutual } });
    const c = await h.connect();
    const mine = Buffer.alloc(16, 0x5a);
    const { r3 } = await chapLogin(c, (id, ch) => ({
      CHAP_N: 'alice',
      CHAP_R: `0x${md5(id, chap.secret, ch).toString('hex')}`,
      CHAP_I: '7',
      CHAP_C: `0x${mine.toString('hex')}`,
    }));
    expect(loginStatus(r3.pdu)).toBe(0);
    expect(r3.keys.CHAP_N).toBe('target-user');
    expect(r3.keys.CHAP_R).toBe(`0x${md5(7, mutual.secret, mine).toString('hex')}`);

    const d = await h.connect();
    const { r3: reflected } = await chapLogin(d, (id, ch) => ({
      CHAP_N: 'alice',
      CHAP_R: `0x${md5(id, chap.secret, ch).toString('hex')}`,
      CHAP_I: String(id),
      CHAP_C: `0x${ch.toString('hex')}`,
    }));
    expect(loginStatus(reflected.pdu)).toBe(0x0201);
  });

  it('sends a fresh challenge each time', async () => {
    h = await startHarness({ target: { chap } });
    const seen = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const c = await h.connect();
      const { challenge } = await chapLogin(c, () => ({ CHAP_N: 'x', CHAP_R: '0x00' }));
      seen.add(challenge.toString('hex'));
    }
    expect(seen.size).toBe(3);
  });
});

describe('discovery', () => {
  const other = (name: string, initiators?: string[]) => ({
    name,
    scsi: new FakeScsiTarget(),
    ...(initiators ? { initiators } : {}),
  });

  it('answers normal-only keys Irrelevant and SendTargets=All with the visible targets at the local address', async () => {
    h = await startHarness({
      extraTargets: [
        other('iqn.2026-11.test:second'),
        other('iqn.2026-11.test:hidden', ['iqn.x:y']),
      ],
    });
    const c = await h.connect();
    const r = await loginPdu(c, {
      data: text({
        InitiatorName: INITIATOR,
        SessionType: 'Discovery',
        InitialR2T: 'No',
        MaxBurstLength: '262144',
        MaxRecvDataSegmentLength: '32768',
        HeaderDigest: 'None',
      }),
    });
    expect(loginStatus(r.pdu)).toBe(0);
    expect(r.keys).toMatchObject({
      InitialR2T: 'Irrelevant',
      MaxBurstLength: 'Irrelevant',
      HeaderDigest: 'None',
    });
    expect(r.keys.TargetPortalGroupTag).toBeUndefined();
    c.send(textRequest({ itt: 9, cmdSN: r.pdu.expCmdSN, data: text({ SendTargets: 'All' }) }));
    const p = await c.next();
    expect(p?.opcode).toBe(Op.TEXT_RESPONSE);
    expect(p?.byte1).toBe(0x80);
    expect(p?.ttt).toBe(0xffffffff);
    expect(parseText(p?.data ?? Buffer.alloc(0))).toEqual([
      ['TargetName', TARGET],
      ['TargetAddress', `127.0.0.1:${h.port},1`],
      ['TargetName', 'iqn.2026-11.test:second'],
      ['TargetAddress', `127.0.0.1:${h.port},1`],
    ]);
    // SCSI commands are not legal in a discovery session.
    c.send(
      frame(
        header({
          opcode: Op.SCSI_COMMAND,
          byte1: 0x80,
          dsl: 0,
          itt: 3,
          words: { 24: r.pdu.expCmdSN },
        }),
      ),
    );
    expect((await c.next())?.byte2).toBe(0x04);
  });

  it.each(['Alle', 'A'])('rejects SendTargets=%s by Reject (RFC 7143 6.10)', async (value) => {
    h = await startHarness();
    const c = await h.connect();
    const r = await loginPdu(c, {
      data: text({ InitiatorName: INITIATOR, SessionType: 'Discovery' }),
    });
    c.send(textRequest({ itt: 9, cmdSN: r.pdu.expCmdSN, data: text({ SendTargets: value }) }));
    const reject = await c.next();
    expect(reject?.opcode).toBe(Op.REJECT);
    expect(reject?.byte2).toBe(0x04);
    expect(reject?.data.readUInt32BE(16)).toBe(9);
    c.send(textRequest({ itt: 10, cmdSN: r.pdu.expCmdSN, data: text({ SendTargets: 'All' }) }));
    const p = await c.next();
    expect(p?.opcode).toBe(Op.TEXT_RESPONSE);
    const own = [
      ['TargetName', TARGET],
      ['TargetAddress', `127.0.0.1:${h.port},1`],
    ];
    expect(parseText(p?.data ?? Buffer.alloc(0))).toEqual(own);
  });

  it('answers each request of 1.20 iSCSISendTargets.Invalid by Reject, session kept', async () => {
    h = await startHarness();
    const c = await h.session();
    const requests = [
      'SendTargetsPlease=All',
      'SendTargets=Alle',
      'SendTargets=A',
      'sENDtARGETS=aLL',
      'SendTargets=All',
    ];
    for (const [i, pair] of requests.entries()) {
      const [key, value] = pair.split('=') as [string, string];
      c.send(textRequest({ itt: 20 + i, cmdSN: c.cmdSN, data: text({ [key]: value }) }));
      const p = await c.next();
      expect(p?.opcode, pair).toBe(Op.REJECT);
      expect(p?.data.readUInt32BE(16)).toBe(20 + i);
    }
    expect(c.closed).toBe(false);
    c.send(textRequest({ itt: 30, cmdSN: c.cmdSN, data: text({ SendTargets: '' }) }));
    expect((await c.next())?.opcode).toBe(Op.TEXT_RESPONSE);
  });

  it('answers an unknown key NotUnderstood, and an empty SendTargets in a normal session with its own target', async () => {
    h = await startHarness({ extraTargets: [other('iqn.2026-11.test:second')] });
    const c = await h.session();
    c.send(
      textRequest({
        itt: 9,
        cmdSN: c.cmdSN,
        data: text([
          ['sENDtARGETS', 'aLL'],
          ['SendTargets', ''],
        ]),
      }),
    );
    expect(parseText((await c.next())?.data ?? Buffer.alloc(0))).toEqual([
      ['sENDtARGETS', 'NotUnderstood'],
      ['TargetName', TARGET],
      ['TargetAddress', `127.0.0.1:${h.port},1`],
    ]);
  });
});

describe('names that are not iSCSI names (RFC 7143 4.2.7, RFC 3722)', () => {
  /** Login text with raw name bytes, so the test controls every byte on the wire. */
  const rawNames = (initiator: Buffer, target: Buffer = Buffer.from(TARGET)) =>
    Buffer.concat([
      Buffer.from('InitiatorName='),
      initiator,
      Buffer.from('\0TargetName='),
      target,
      Buffer.from('\0'),
      text(OPERATIONAL),
    ]);
  const badUtf8 = (tail: number[]) =>
    Buffer.concat([Buffer.from('iqn.2026-11.test:bad-'), Buffer.from(tail)]);

  it('refuses an InitiatorName that is not UTF-8 with 0200h; it cannot reinstate', async () => {
    h = await startHarness();
    // Both names decode (lossily) to the same U+FFFD string; neither may log in or reinstate.
    const names = [
      badUtf8([0xff, 0xfe, 0xc0, 0xaf, 0x80]),
      badUtf8([0xfe, 0xff, 0xc1, 0xbf, 0x81]),
    ];
    const live = await h.session();
    for (const name of names) {
      const c = await h.connect();
      const { pdu } = await loginPdu(c, { data: rawNames(name) });
      expect(loginStatus(pdu)).toBe(0x0200);
      expect(await c.closedWithin()).toBe(true);
    }
    expect(h.server.sessionCount()).toBe(1);
    expect(live.closed).toBe(false);
  });

  it.each([
    { title: 'a name with a space', initiator: 'iqn.2026-11.test:in itiator', target: TARGET },
    { title: 'a 224-byte name', initiator: `iqn.2026-11.test:${'i'.repeat(207)}`, target: TARGET },
    { title: 'a malformed TargetName', initiator: INITIATOR, target: 'iqn.2026-11.test:tar get' },
    {
      title: 'a TargetName that is not UTF-8',
      initiator: INITIATOR,
      target: Buffer.from([0x69, 0x71, 0x6e, 0x2e, 0xff]),
    },
  ])('refuses $title with 0200h', async ({ initiator, target }) => {
    h = await startHarness();
    const c = await h.connect();
    const data = rawNames(Buffer.from(initiator), Buffer.from(target));
    const { pdu } = await loginPdu(c, { data });
    expect(loginStatus(pdu)).toBe(0x0200);
  });

  it('takes another case of a name as the same name (RFC 3722): ACL, reinstatement', async () => {
    h = await startHarness({ target: { initiators: ['iqn.2026-11.test:Initiator'] } });
    const isid = '800000000001';
    const first = await h.session({ initiatorName: 'iqn.2026-11.test:initiator', isid });
    const c = await h.connect();
    const upper = await c.login({ initiatorName: 'IQN.2026-11.TEST:INITIATOR', isid });
    expect(loginStatus(upper)).toBe(0);
    // Same name, same ISID: the second login reinstated the first session.
    expect(await first.closedWithin()).toBe(true);
    expect(h.server.sessionCount()).toBe(1);
    const d = await h.connect();
    const otherCase = await d.login({ targetName: TARGET.toUpperCase(), isid: '800000000002' });
    expect(loginStatus(otherCase)).toBe(0);
  });
});
