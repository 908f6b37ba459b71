// The login state machine without sockets (RFC 7143 §6.3).
import { describe, expect, it } from 'vitest';
import {
  LoginStages,
  type AdmitRequest,
  type LoginStep,
} from '../../../../transport/login/login-stages.js';
import { decodeLoginRequest } from '../../../../transport/pdu/login.js';
import { loginRequest, text } from '../../../helpers/wire.js';
import { FakeScsiTarget, TARGET } from '../harness.js';

const target = { name: TARGET, scsi: new FakeScsiTarget() };
const chapTarget = { ...target, chap: { user: 'u', secret: 'secret-secret-1' } };

function stages(t = target, admitted: AdmitRequest[] = []) {
  return new LoginStages({
    findTarget: (name) => (name === t.name ? t : undefined),
    admit: (req) => {
      admitted.push(req);
      return { ok: true, tsih: 42 };
    },
    random: (n) => Buffer.alloc(n, 9),
  });
}

function step(s: LoginStages, spec: NonNullable<Parameters<typeof loginRequest>[0]>): LoginStep {
  const wire = loginRequest(spec);
  return s.handle(decodeLoginRequest(wire.subarray(0, 48)), [
    wire.subarray(48, 48 + (spec.data?.length ?? 0)),
  ]);
}

const names = { InitiatorName: 'iqn.2026-11.test:i', TargetName: TARGET };

describe('LoginStages', () => {
  it('completes a one-PDU login with the admitted TSIH and the negotiated parameters', () => {
    const admitted: AdmitRequest[] = [];
    const r = step(stages(target, admitted), {
      cmdSN: 9,
      data: text({ ...names, InitialR2T: 'No', MaxRecvDataSegmentLength: '65536' }),
    });
    expect(r.kind).toBe('complete');
    if (r.kind !== 'complete') return;
    expect(r.response).toMatchObject({ transit: true, csg: 1, nsg: 3, tsih: 42, status: 0 });
    expect(r.outcome).toMatchObject({
      kind: 'Normal',
      tsih: 42,
      cmdSN: 9,
      initiatorName: 'iqn.2026-11.test:i',
    });
    expect(r.outcome.params).toMatchObject({
      initialR2T: false,
      initiatorMaxRecvDataSegmentLength: 65536,
      targetMaxRecvDataSegmentLength: 262144,
    });
    expect(r.text).toEqual([
      ['TargetPortalGroupTag', '1'],
      ['InitialR2T', 'No'],
      ['MaxRecvDataSegmentLength', '262144'],
    ]);
    expect(admitted).toEqual([
      {
        initiatorName: 'iqn.2026-11.test:i',
        isid: '80123456789a',
        tsih: 0,
        kind: 'Normal',
        target,
      },
    ]);
  });

  it('passes an admission refusal through as the login status', () => {
    const s = new LoginStages({
      findTarget: () => target,
      admit: () => ({ ok: false, status: 0x0206 }),
    });
    const r = step(s, { data: text(names) });
    expect(r.kind === 'fail' && r.response.status).toBe(0x0206);
  });

  it('refuses AuthMethod lists without an acceptable method (0x0201)', () => {
    const r = step(stages(), { csg: 0, nsg: 1, data: text({ ...names, AuthMethod: 'SRP' }) });
    expect(r.kind === 'fail' && r.response.status).toBe(0x0201);
  });

  it('refuses CHAP keys before AuthMethod=CHAP (0x0201)', () => {
    const r = step(stages(chapTarget), {
      csg: 0,
      nsg: 1,
      transit: false,
      data: text({ ...names, CHAP_A: '5' }),
    });
    expect(r.kind === 'fail' && r.response.status).toBe(0x0201);
  });

  it('refuses to leave the security stage before CHAP has succeeded (answers T=0)', () => {
    const s = stages(chapTarget);
    const r = step(s, {
      csg: 0,
      nsg: 1,
      transit: true,
      data: text({ ...names, AuthMethod: 'CHAP' }),
    });
    expect(r.kind).toBe('continue');
    expect(r.kind === 'continue' && r.response.transit).toBe(false);
    const r2 = step(s, { csg: 1, nsg: 3, data: text({}) });
    expect(r2.kind === 'fail' && r2.response.status).toBe(0x0200);
  });

  it('answers security keys in the operational stage Irrelevant', () => {
    const r = step(stages(), { data: text({ ...names, AuthMethod: 'None' }) });
    expect(r.kind === 'complete' && r.text).toContainEqual(['AuthMethod', 'Irrelevant']);
  });

  it('refuses a changed ISID mid-login', () => {
    const s = stages();
    step(s, { transit: false, data: text(names) });
    const r = step(s, { isid: '800000000000', data: text({}) });
    expect(r.kind === 'fail' && r.response.status).toBe(0x0200);
  });

  it('completes a discovery session without a target', () => {
    const r = step(stages(), {
      data: text({ InitiatorName: 'iqn.2026-11.test:i', SessionType: 'Discovery' }),
    });
    expect(r.kind === 'complete' && r.outcome.kind).toBe('Discovery');
    expect(r.kind === 'complete' && r.outcome.target).toBeUndefined();
  });
});
