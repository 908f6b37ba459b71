// The command hook as the target drives it: `before` only while the hook intercepts, with a view
// from the row dispatch found; `after` for every command, with one record refilled each time.
import { describe, expect, it } from 'vitest';
import { SENSE } from '../../../sense-tables/index.js';
import type {
  CommandHook,
  CommandObservation,
  CommandView,
  HookAnswer,
} from '../../../scsi/ports/command-hook.js';
import { ScsiStatus } from '../../../scsi/target-contract.js';
import { cdb16, expectCheck, expectGood, harness } from './harness.js';

/** A hook that records what it is shown; `answer` is what `before` returns. */
function recordingHook(intercepting: boolean, answer?: HookAnswer) {
  const views: CommandView[] = [];
  const seen: CommandObservation[] = [];
  const copies: Record<string, unknown>[] = [];
  const hook: CommandHook = {
    intercepting,
    before(view) {
      views.push(view);
      return answer;
    },
    after(o) {
      seen.push(o);
      copies.push({ ...o });
    },
  };
  return { hook, views, seen, copies };
}

const READ16 = 0x88;
const WRITE16 = 0x8a;

describe('the command hook', () => {
  it('is not asked before a command while it does not intercept, and sees every outcome', async () => {
    const h = harness();
    const r = recordingHook(false);
    h.target.setCommandHook(r.hook);
    expectGood(await h.run(cdb16(WRITE16, 8, 2), { dataOut: [Buffer.alloc(1024, 7)] }));
    expectGood(await h.run(cdb16(READ16, 8, 2)));
    expectCheck(await h.run(cdb16(READ16, 4096, 1)), SENSE.LOGICAL_BLOCK_ADDRESS_OUT_OF_RANGE);
    expect(r.views).toEqual([]);
    expect(r.copies).toEqual([
      { ...observed(WRITE16, 'write', ScsiStatus.GOOD), bytesOut: 1024 },
      { ...observed(READ16, 'read', ScsiStatus.GOOD), bytesIn: 1024 },
      { ...observed(READ16, 'read', ScsiStatus.CHECK_CONDITION), senseKey: 5, asc: 0x21, ascq: 0 },
    ]);
    // One record, refilled: observing a command allocates nothing.
    expect(new Set(r.seen).size).toBe(1);
  });

  it('while intercepting, is shown the row class and LBA span, and its answer ends the command', async () => {
    const h = harness();
    const answer: HookAnswer = {
      kind: 'sense',
      code: SENSE.UNRECOVERED_READ_ERROR,
      information: 9,
    };
    const r = recordingHook(true, answer);
    h.target.setCommandHook(r.hook);
    const failed = await h.run(cdb16(READ16, 8, 2));
    expectCheck(failed, SENSE.UNRECOVERED_READ_ERROR);
    expect(r.views).toEqual([
      expect.objectContaining({ opcode: READ16, serviceAction: -1, commandClass: 'read', lba: 8 }),
    ]);
    expect(r.views[0]?.blocks).toBe(2);
    expect(r.copies).toEqual([
      { ...observed(READ16, 'read', ScsiStatus.CHECK_CONDITION), senseKey: 3, asc: 0x11, ascq: 0 },
    ]);
  });

  it('reports a service action and the zone class for ZBC OUT, none for an unknown opcode', async () => {
    const h = harness();
    const r = recordingHook(true);
    h.target.setCommandHook(r.hook);
    await h.run(cdb16(0x94, 0, 0, 4)); // RESET WRITE POINTER on a plain LU: 5/20/00, not shown
    await h.run(cdb16(0xc7, 0, 0)); // no such opcode
    expect(r.views).toEqual([]);
    expect(r.copies.map((o) => [o.opcode, o.serviceAction, o.commandClass])).toEqual([
      [0x94, 4, 'zone'],
      [0xc7, -1, 'other'],
    ]);
  });
});

function observed(opcode: number, commandClass: string, status: ScsiStatus) {
  return {
    lun: 0,
    opcode,
    serviceAction: -1,
    commandClass,
    status,
    senseKey: -1,
    asc: -1,
    ascq: -1,
    bytesIn: 0,
    bytesOut: 0,
    latencyMs: expect.any(Number),
  };
}
