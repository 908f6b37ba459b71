// Serial arithmetic (RFC 1982), portal formatting, SendTargets selection, session registry.
import { describe, expect, it } from 'vitest';
import { formatPortal, sendTargets } from '../../../transport/discovery.js';
import { serialAdd, serialInRange, serialLe, serialLt } from '../../../transport/serial.js';
import { SessionRegistry } from '../../../transport/session-registry.js';
import { FakeScsiTarget } from './harness.js';

describe('serial numbers', () => {
  it.each([
    [1, 2, true],
    [2, 1, false],
    [0xffffffff, 0, true],
    [0, 0xffffffff, false],
    [5, 5, false],
    [0, 0x7fffffff, true],
    [0, 0x80000000, false],
  ])('%d < %d is %s', (a, b, want) => {
    expect(serialLt(a, b)).toBe(want);
  });
  it('wraps', () => {
    expect(serialAdd(0xffffffff, 2)).toBe(1);
    expect(serialLe(3, 3)).toBe(true);
    expect(serialInRange(1, 0xfffffff0, 5)).toBe(true);
    expect(serialInRange(6, 0xfffffff0, 5)).toBe(false);
  });
});

describe('portals', () => {
  it.each([
    [{ host: '127.0.0.1', port: 3260 }, '127.0.0.1:3260,1'],
    [{ host: '::ffff:10.0.0.2', port: 3261 }, '10.0.0.2:3261,1'],
    [{ host: '::1', port: 3260 }, '[::1]:3260,1'],
    [{ host: 'fe80::1', port: 1 }, '[fe80::1]:1,1'],
  ])('%o -> %s', (portal, want) => {
    expect(formatPortal(portal)).toBe(want);
  });
});

describe('SendTargets', () => {
  const a = { name: 'iqn.2026-11.t:a', scsi: new FakeScsiTarget() };
  const b = { name: 'iqn.2026-11.t:b', scsi: new FakeScsiTarget(), initiators: ['iqn.i:allowed'] };
  const base = {
    initiatorName: 'iqn.i:other',
    targets: [a, b],
    portal: { host: '127.0.0.1', port: 3260 },
    maxBytes: 8192,
  };
  it('All in discovery lists what the ACL lets the initiator see', () => {
    const r = sendTargets('All', { ...base, kind: 'Discovery', ownTarget: undefined });
    expect(r).toEqual({
      ok: true,
      pairs: [
        ['TargetName', a.name],
        ['TargetAddress', '127.0.0.1:3260,1'],
      ],
    });
    const r2 = sendTargets('All', {
      ...base,
      initiatorName: 'iqn.i:allowed',
      kind: 'Discovery',
      ownTarget: undefined,
    });
    expect(r2.ok && r2.pairs.length).toBe(4);
  });
  it('leaves out whole entries that would pass maxBytes (size checked before building)', () => {
    const many = Array.from({ length: 10 }, (_, i) => ({
      name: `iqn.2026-11.t:n${i}`,
      scsi: new FakeScsiTarget(),
    }));
    const entry = 'TargetName=iqn.2026-11.t:n0\0TargetAddress=127.0.0.1:3260,1\0'.length;
    const r = sendTargets('All', {
      ...base,
      targets: many,
      kind: 'Discovery',
      ownTarget: undefined,
      maxBytes: entry * 3 + 5,
    });
    expect(r.ok && r.pairs.length).toBe(6);
    expect(
      sendTargets('All', {
        ...base,
        targets: many,
        kind: 'Discovery',
        ownTarget: undefined,
        maxBytes: entry - 1,
      }),
    ).toEqual({ ok: true, pairs: [] });
  });

  it('All in a normal session is refused; a foreign name is not shown', () => {
    expect(sendTargets('All', { ...base, kind: 'Normal', ownTarget: a }).ok).toBe(false);
    expect(sendTargets(b.name, { ...base, kind: 'Normal', ownTarget: a })).toEqual({
      ok: true,
      pairs: [],
    });
  });
});

describe('SessionRegistry', () => {
  const fake = (tsih: number, isid: string, log: string[]) => ({
    tsih,
    initiatorName: 'iqn.i:x',
    isid,
    targetName: 'iqn.t:y',
    terminate: (why: string) => log.push(`${tsih}:${why}`),
  });
  const req = (isid: string, tsih = 0) => ({
    initiatorName: 'iqn.i:x',
    isid,
    tsih,
    kind: 'Normal' as const,
    target: { name: 'iqn.t:y', scsi: new FakeScsiTarget() },
  });

  it('allocates distinct non-zero TSIHs and reinstates by identity', () => {
    const log: string[] = [];
    const r = new SessionRegistry(4);
    const first = r.admit(req('01'));
    expect(first).toEqual({ ok: true, tsih: 1 });
    r.add(fake(1, '01', log));
    const second = r.admit(req('01'));
    expect(second).toEqual({ ok: true, tsih: 2 });
    expect(log).toEqual(['1:reinstated by a new login']);
    expect(r.size).toBe(0);
  });

  it('enforces the per-initiator cap and TSIH rules', () => {
    const r = new SessionRegistry(1);
    r.add(fake(1, '01', []));
    expect(r.admit(req('02'))).toEqual({ ok: false, status: 0x0302 });
    expect(r.admit(req('02', 1))).toEqual({ ok: false, status: 0x0206 });
    expect(r.admit(req('02', 9))).toEqual({ ok: false, status: 0x020a });
  });
});
