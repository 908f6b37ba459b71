// Property tests: random and mutated byte streams end in whole PDUs or one failure, never a throw
// out of a socket handler, never a hang, and never disturb another session (docs/architecture.md).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzProgress, fuzzRuns } from '../../helpers/fuzz-runs.js';
import { PduFramer } from '../../../transport/pdu/framer.js';
import {
  dataOut,
  logoutRequest,
  nopOut,
  Op,
  read10,
  scsiCommand,
  TEST_UNIT_READY,
  text,
  textRequest,
  tmfRequest,
  type WireInitiator,
  write10,
  loginRequest,
} from '../../helpers/wire.js';
import { type Harness, startHarness, TARGET } from './harness.js';

describe('framer on random bytes', () => {
  it('never throws and always makes progress', () => {
    const tick = fuzzProgress('framer on random bytes');
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 600 }),
        fc.array(fc.integer({ min: 1, max: 97 }), { maxLength: 20 }),
        fc.boolean(),
        (bytes, cuts, digests) => {
          tick();
          const f = new PduFramer({
            headerDigest: digests,
            dataDigest: digests,
            maxDataSegmentLength: 1024,
          });
          let at = 0;
          let i = 0;
          while (at < bytes.length) {
            const n = cuts[i++ % Math.max(1, cuts.length)] ?? bytes.length;
            f.push(Buffer.from(bytes.subarray(at, at + n)));
            at += n;
            for (let guard = 0; ; guard++) {
              expect(guard).toBeLessThan(1000);
              const r = f.next();
              if (r.kind !== 'pdu') break;
            }
          }
        },
      ),
      { numRuns: fuzzRuns(500) },
    );
  });
});

/** A valid conversation after login, as raw bytes. */
function conversation(cmdSN: number): Buffer {
  return Buffer.concat([
    nopOut({ itt: 1, cmdSN, data: Buffer.from('ping') }),
    scsiCommand({ itt: 2, read: true, edtl: 1024, cmdSN, cdb: read10(0, 2) }),
    scsiCommand({
      itt: 3,
      write: true,
      final: false,
      edtl: 2048,
      cmdSN: cmdSN + 1,
      cdb: write10(4, 4),
      data: Buffer.alloc(512, 1),
    }),
    dataOut({
      itt: 3,
      ttt: 0xffffffff,
      dataSN: 0,
      offset: 512,
      data: Buffer.alloc(512, 2),
      final: true,
    }),
    textRequest({ itt: 4, cmdSN: cmdSN + 2, data: text({ SendTargets: '' }) }),
    tmfRequest({ fn: 1, itt: 5, rtt: 3, cmdSN: cmdSN + 2 }),
    scsiCommand({ itt: 6, edtl: 0, cmdSN: cmdSN + 2, cdb: TEST_UNIT_READY }),
    logoutRequest({ itt: 7, cmdSN: cmdSN + 3 }),
  ]);
}

describe('connections on mutated streams', () => {
  let h: Harness;
  let witness: WireInitiator;
  beforeAll(async () => {
    h = await startHarness({ limits: { loginTimeoutMs: 500 } });
    witness = await h.session({ isid: '80ffffffffff' });
  });
  afterAll(async () => {
    await h.close();
  });

  async function witnessStillWorks(): Promise<void> {
    const itt = witness.nextItt();
    witness.send(scsiCommand({ itt, edtl: 0, cmdSN: witness.cmdSN++, cdb: TEST_UNIT_READY }));
    const p = await witness.next(2000);
    expect(p?.opcode).toBe(Op.SCSI_RESPONSE);
    expect(p?.itt).toBe(itt);
  }

  async function drain(c: WireInitiator): Promise<void> {
    // Either the target closes us or it goes quiet; both are fine. A hang would keep the event
    // loop busy and the witness would time out.
    for (let p = await c.next(100); p; p = await c.next(100)) void p;
    c.close();
  }

  it('mutated full sessions never throw and leave other sessions alone', async () => {
    const tick = fuzzProgress('mutated full sessions', 500);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), {
          minLength: 1,
          maxLength: 6,
        }),
        async (mutations) => {
          tick();
          const c = await h.connect();
          const login = loginRequest({
            isid: '80000000aaaa',
            cmdSN: 10,
            data: text({
              InitiatorName: 'iqn.2026-11.test:fuzz',
              TargetName: TARGET,
              InitialR2T: 'No',
            }),
          });
          const stream = Buffer.concat([login, conversation(10)]);
          for (const m of mutations) stream[m.at % stream.length] = m.value;
          c.send(stream);
          await drain(c);
          await witnessStillWorks();
        },
      ),
      { numRuns: fuzzRuns(60, 'session') },
    );
  });

  it('random bytes after a good login never throw and leave other sessions alone', async () => {
    const tick = fuzzProgress('junk after login', 500);
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 400 }), async (junk) => {
        tick();
        const c = await h.session({ isid: '80000000bbbb' });
        c.send(Buffer.from(junk));
        await drain(c);
        await witnessStillWorks();
      }),
      { numRuns: fuzzRuns(60, 'session') },
    );
  });
});
