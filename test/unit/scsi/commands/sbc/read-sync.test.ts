// The synchronous READ path: when the store can read at once (BlockStore.readIntoSync), dispatch
// answers with a plain outcome instead of a promise; otherwise it falls back to readInto, segment
// by segment, with the same bytes and the same sense on failure.
import { describe, expect, it } from 'vitest';
import { SENSE } from '../../../../../sense-tables/index.js';
import { commandTable } from '../../../../../scsi/command-table.js';
import { dispatch } from '../../../../../scsi/dispatch.js';
import {
  type ScsiCommand,
  type ScsiOutcome,
  ScsiStatus,
} from '../../../../../scsi/target-contract.js';
import {
  cdb16,
  expectCheck,
  expectGood,
  FakeZones,
  harness,
  NEXUS,
  type Harness,
} from '../../harness.js';

const BS = 512;

const read16 = (lba: number, blocks: number): Buffer => cdb16(0x88, lba, blocks);

function command(c: Buffer): ScsiCommand {
  return { nexus: NEXUS, lun: 0, tag: 7, expectedDataLength: 0, cdb: c, dataOut: [] };
}

/** Gives the harness's test store a synchronous read that serves only reads up to `maxBytes`. */
function withSyncReads(h: Harness, maxBytes = Number.POSITIVE_INFINITY): string[] {
  const syncCalls: string[] = [];
  Object.assign(h.store, {
    readIntoSync(target: Buffer, byteOffset: number): boolean {
      if (target.length > maxBytes) return false;
      syncCalls.push(`sync ${byteOffset} ${target.length}`);
      if (h.store.failNext.read) {
        h.store.failNext.read = false;
        throw new Error('injected sync read failure');
      }
      h.store.bytes.copy(target, 0, byteOffset, byteOffset + target.length);
      return true;
    },
  });
  return syncCalls;
}

function stamp(h: Harness): void {
  for (let i = 0; i < h.store.bytes.length; i += 4) h.store.bytes.writeUInt32BE(i, i);
}

describe('READ without a promise when the store reads synchronously', () => {
  it('dispatch returns the outcome itself, with the stored bytes', () => {
    const h = harness();
    stamp(h);
    const syncCalls = withSyncReads(h);
    const outcome = dispatch(command(read16(10, 8)), h.lu, h.lu.target, commandTable());
    expect(outcome).not.toBeInstanceOf(Promise);
    const data = expectGood(outcome as ScsiOutcome);
    expect(data.equals(h.store.bytes.subarray(10 * BS, 18 * BS))).toBe(true);
    expect(syncCalls).toEqual([`sync ${10 * BS} ${8 * BS}`]);
    expect(h.store.calls).toEqual([]); // readInto never ran
  });

  it('zero-filled segments of a zoned read stay synchronous around the stored ones', () => {
    const zones = new FakeZones('host-managed');
    zones.zeroFrom = 300;
    const h = harness({ zones });
    stamp(h);
    const syncCalls = withSyncReads(h);
    const outcome = dispatch(command(read16(296, 8)), h.lu, h.lu.target, commandTable());
    expect(outcome).not.toBeInstanceOf(Promise);
    const data = expectGood(outcome as ScsiOutcome);
    expect(data.subarray(0, 4 * BS).equals(h.store.bytes.subarray(296 * BS, 300 * BS))).toBe(true);
    expect(data.subarray(4 * BS).every((x) => x === 0)).toBe(true);
    expect(syncCalls).toEqual([`sync ${296 * BS} ${4 * BS}`]);
  });

  it('a segment the store declines goes through readInto, with the same bytes', async () => {
    const h = harness();
    stamp(h);
    const syncCalls = withSyncReads(h, 4 * BS);
    const outcome = dispatch(command(read16(20, 16)), h.lu, h.lu.target, commandTable());
    expect(outcome).toBeInstanceOf(Promise);
    const data = expectGood(await outcome);
    expect(data.equals(h.store.bytes.subarray(20 * BS, 36 * BS))).toBe(true);
    expect(syncCalls).toEqual([]);
    expect(h.store.calls).toEqual([`read ${20 * BS} ${16 * BS}`]);
  });

  it('a failing synchronous read is UNRECOVERED READ ERROR with the LBA, as an async one', async () => {
    const h = harness();
    withSyncReads(h);
    h.store.failNext.read = true;
    const outcome = dispatch(command(read16(33, 1)), h.lu, h.lu.target, commandTable());
    expect(outcome).not.toBeInstanceOf(Promise);
    const sense = expectCheck(outcome as ScsiOutcome, SENSE.UNRECOVERED_READ_ERROR);
    expect(sense.information).toBe(33n);
    // Through execute the contract is unchanged: a promise of the same outcome.
    const again = h.target.execute(command(read16(33, 1)));
    expect(again).toBeInstanceOf(Promise);
    expect((await again).status).toBe(ScsiStatus.GOOD);
  });
});
