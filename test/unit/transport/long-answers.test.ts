// Answers longer than one PDU: Login Responses are cut at 8192 bytes with the C bit (RFC 7143
// §11.13.2; the initiator's MaxRecvDataSegmentLength before negotiation, §13.12) and fetched with
// empty Login Requests; Text Responses in full feature phase are cut at the initiator's declared
// MaxRecvDataSegmentLength and fetched with empty Text Requests echoing the TTT (§11.11).
// Answers beyond a fixed bound are refused.
import { afterEach, describe, expect, it } from 'vitest';
import {
  loginRequest,
  loginStatus,
  Op,
  parseText,
  type TargetPdu,
  text,
  textRequest,
  tsihOf,
  type WireInitiator,
} from '../../helpers/wire.js';
import { MAX_NEGOTIATION_TEXT, MAX_TEXT_RESPONSE } from '../../../transport/limits.js';
import { type Harness, INITIATOR, startHarness, TARGET } from './harness.js';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const names = { InitiatorName: INITIATOR, TargetName: TARGET, SessionType: 'Normal' };
/** `n` keys nobody knows, each answered `NotUnderstood`. */
const unknownKeys = (n: number): [string, string][] =>
  Array.from({ length: n }, (_, i) => [`X-unknown${String(i).padStart(5, '0')}`, 'v']);

async function expectPdu(c: WireInitiator): Promise<TargetPdu> {
  const p = await c.next();
  if (!p) throw new Error('no PDU');
  return p;
}

describe('login answers longer than 8192 bytes', () => {
  it('go in C=1, T=0 parts of at most 8192 bytes, fetched by empty Login Requests', async () => {
    h = await startHarness();
    const c = await h.connect();
    const keys = unknownKeys(400);
    c.send(loginRequest({ data: text([...Object.entries(names), ...keys]) }));
    const parts: TargetPdu[] = [await expectPdu(c)];
    while ((parts.at(-1)?.byte1 ?? 0) & 0x40) {
      const p = parts.at(-1) as TargetPdu;
      expect(p.dsl).toBeLessThanOrEqual(8192);
      expect(p.byte1 & 0x80, 'C=1 parts have T=0').toBe(0);
      expect(tsihOf(p), 'the TSIH comes only in the final response').toBe(0);
      expect(loginStatus(p)).toBe(0);
      c.send(loginRequest({}));
      parts.push(await expectPdu(c));
    }
    expect(parts.length).toBe(2);
    const last = parts.at(-1) as TargetPdu;
    expect(last.byte1).toBe(0x87); // T=1, CSG=1, NSG=3
    expect(tsihOf(last)).not.toBe(0);
    const answers = parseText(Buffer.concat(parts.map((p) => p.data)));
    const notUnderstood = answers.filter(([, v]) => v === 'NotUnderstood').map(([k]) => k);
    expect(notUnderstood).toEqual(keys.map(([k]) => k));
    expect(h.server.sessionCount()).toBe(1);
  });

  it('refuses a login whose answer would pass 32768 bytes (0200h), no PDU over 8K', async () => {
    h = await startHarness();
    const c = await h.connect();
    // 2,000 unknown keys: 34 KiB of request in 8 KiB parts, 58 KiB of NotUnderstood answers.
    const all = text([...Object.entries(names), ...unknownKeys(2000)]);
    for (let at = 0; at < all.length; at += 8192) {
      const more = at + 8192 < all.length;
      c.send(loginRequest({ transit: !more, cont: more, data: all.subarray(at, at + 8192) }));
      const p = await expectPdu(c);
      expect(p.dsl).toBeLessThanOrEqual(8192);
      if (more) expect(loginStatus(p)).toBe(0);
      else expect(loginStatus(p)).toBe(0x0200);
    }
    expect(await c.closedWithin()).toBe(true);
    expect(h.server.sessionCount()).toBe(0);
  });

  it('ends the login (0200h) when the request for the next part carries text', async () => {
    h = await startHarness();
    const c = await h.connect();
    c.send(loginRequest({ data: text([...Object.entries(names), ...unknownKeys(400)]) }));
    expect(((await expectPdu(c)).byte1 & 0x40) !== 0).toBe(true);
    c.send(loginRequest({ data: text({ MaxBurstLength: '65536' }) }));
    expect(loginStatus(await expectPdu(c))).toBe(0x0200);
    expect(await c.closedWithin()).toBe(true);
  });
});

describe('Text Responses longer than the initiator MaxRecvDataSegmentLength', () => {
  async function textParts(c: WireInitiator, itt: number, data: Buffer): Promise<TargetPdu[]> {
    c.send(textRequest({ itt, cmdSN: c.cmdSN, data }));
    const parts = [await expectPdu(c)];
    for (let p = parts[0] as TargetPdu; (p.byte1 & 0x80) === 0; p = parts.at(-1) as TargetPdu) {
      expect(p.opcode).toBe(Op.TEXT_RESPONSE);
      expect(p.byte1, 'C=1, F=0 while more follows').toBe(0x40);
      expect(p.ttt).not.toBe(0xffffffff);
      c.send(textRequest({ itt, ttt: p.ttt, cmdSN: c.cmdSN, data: Buffer.alloc(0) }));
      parts.push(await expectPdu(c));
    }
    return parts;
  }

  it.each([8192, 4096])('cuts a 1,000-key answer in TTT-continued parts <= %i', async (mrdsl) => {
    h = await startHarness();
    const c = await h.session({ keys: { MaxRecvDataSegmentLength: String(mrdsl) } });
    const keys = unknownKeys(1000);
    const parts = await textParts(c, 9, text([['SendTargets', ''], ...keys]));
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.dsl).toBeLessThanOrEqual(mrdsl);
    const last = parts.at(-1) as TargetPdu;
    expect(last.byte1).toBe(0x80);
    expect(last.ttt).toBe(0xffffffff);
    const answers = parseText(Buffer.concat(parts.map((p) => p.data)));
    const own = [
      ['TargetName', TARGET],
      ['TargetAddress', `127.0.0.1:${h.port},1`],
    ];
    expect(answers.slice(0, 2)).toEqual(own);
    const rest = answers.slice(2).map(([k, v]) => `${k}=${v}`);
    expect(rest).toEqual(keys.map(([k]) => `${k}=NotUnderstood`));
  });

  it('rejects a next-part request with an unknown TTT (09h) or with data (04h)', async () => {
    h = await startHarness();
    const c = await h.session({ keys: { MaxRecvDataSegmentLength: '4096' } });
    c.send(textRequest({ itt: 9, ttt: 0x1234, cmdSN: c.cmdSN, data: Buffer.alloc(0) }));
    expect((await expectPdu(c)).byte2).toBe(0x09);
    const long = text([['SendTargets', ''], ...unknownKeys(400)]);
    c.send(textRequest({ itt: 10, cmdSN: c.cmdSN, data: long }));
    const first = await expectPdu(c);
    expect(first.byte1).toBe(0x40);
    const data = text({ SendTargets: '' });
    c.send(textRequest({ itt: 10, ttt: first.ttt, cmdSN: c.cmdSN, data }));
    const reject = await expectPdu(c);
    expect(reject.opcode).toBe(Op.REJECT);
    expect(reject.byte2).toBe(0x04);
  });

  it(`rejects (04h) a request whose answer would pass ${MAX_TEXT_RESPONSE} bytes`, async () => {
    h = await startHarness();
    const c = await h.session();
    const data = text([['SendTargets', ''], ...unknownKeys(3000)]);
    expect(data.length).toBeLessThanOrEqual(MAX_NEGOTIATION_TEXT);
    c.send(textRequest({ itt: 9, cmdSN: c.cmdSN, data }));
    const p = await expectPdu(c);
    expect(p.opcode).toBe(Op.REJECT);
    expect(p.byte2).toBe(0x04);
    expect(c.closed).toBe(false);
  });

  it('answers a request of only unknown keys with one Reject, not a long answer', async () => {
    h = await startHarness();
    const c = await h.session();
    c.send(textRequest({ itt: 9, cmdSN: c.cmdSN, data: text(unknownKeys(1000)) }));
    const p = await expectPdu(c);
    expect(p.opcode).toBe(Op.REJECT);
    expect(p.dsl).toBe(48);
    expect(c.closed).toBe(false);
  });
});
