// Data-Out sequence checks and Data-In cutting (RFC 7143 §11.7–§11.8).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_PARAMS } from '../../../transport/login/negotiate.js';
import type { ScsiCommandPdu } from '../../../transport/pdu/scsi-command.js';
import { cutDataIn, Task, TaskCommand } from '../../../transport/task.js';

const cmd = (over: Partial<ScsiCommandPdu> = {}): ScsiCommandPdu => ({
  immediate: false,
  final: true,
  read: false,
  write: true,
  attr: 1,
  lun: 0,
  itt: 1,
  expectedDataLength: 4096,
  cmdSN: 1,
  expStatSN: 0,
  cdb: Buffer.alloc(16),
  ahsProblem: undefined,
  ...over,
});
const params = {
  ...DEFAULT_PARAMS,
  initialR2T: false,
  firstBurstLength: 2048,
  maxBurstLength: 1024,
  targetMaxRecvDataSegmentLength: 262144,
};
const dout = (ttt: number, dataSN: number, bufferOffset: number, final = true) => ({
  final,
  lun: 0,
  itt: 1,
  ttt,
  expStatSN: 0,
  dataSN,
  bufferOffset,
});

describe('Task write data', () => {
  it('accepts immediate + unsolicited data, then solicits the rest burst by burst', () => {
    const t = new Task(cmd({ final: false }), [Buffer.alloc(512)], 512, params);
    expect(t.unsolicitedOpen).toBe(true);
    expect(t.acceptDataOut(dout(0xffffffff, 0, 512, false), [Buffer.alloc(512)], 512, 8192)).toBe(
      'accepted',
    );
    expect(t.acceptDataOut(dout(0xffffffff, 1, 1024, true), [Buffer.alloc(1024)], 1024, 8192)).toBe(
      'burst-closed',
    );
    expect(t.needsR2T).toBe(true);
    const b = t.openBurst(7, params.maxBurstLength);
    expect([b.offset, b.length, b.r2tSN]).toEqual([2048, 1024, 0]);
    expect(t.acceptDataOut(dout(7, 0, 2048), [Buffer.alloc(1024)], 1024, 8192)).toBe(
      'burst-closed',
    );
    const b2 = t.openBurst(8, params.maxBurstLength);
    expect([b2.offset, b2.length, b2.r2tSN]).toEqual([3072, 1024, 1]);
    expect(t.dataComplete).toBe(false);
    t.acceptDataOut(dout(8, 0, 3072), [Buffer.alloc(1024)], 1024, 8192);
    expect(t.dataComplete).toBe(true);
    expect(t.failure).toBeUndefined();
    expect(t.dataOut().reduce((n, s) => n + s.length, 0)).toBe(4096);
  });

  it('unsolicited data beyond FirstBurstLength is a sequence error', () => {
    const t = new Task(cmd({ final: false }), [], 0, params);
    t.acceptDataOut(dout(0xffffffff, 0, 0, true), [Buffer.alloc(4096)], 4096, 8192);
    expect(t.failure).toBe('protocol-service-crc-error');
    expect(t.dataComplete).toBe(true);
    expect(t.dataOut()).toEqual([]);
  });

  it('unsolicited data after F=1 on the command is unexpected', () => {
    const t = new Task(cmd({ final: true }), [], 0, params);
    t.acceptDataOut(dout(0xffffffff, 0, 0, true), [Buffer.alloc(512)], 512, 8192);
    expect(t.failure).toBe('unexpected-unsolicited-data');
  });

  it('an F=1 Data-Out short of the burst length is an error; unknown TTTs are ignored', () => {
    const t = new Task(cmd({ final: true, expectedDataLength: 1024 }), [], 0, {
      ...params,
      initialR2T: true,
    });
    const b = t.openBurst(3, 1024);
    expect(t.acceptDataOut(dout(99, 0, 0), [Buffer.alloc(4)], 4, 8192)).toBe('unknown-ttt');
    expect(t.acceptDataOut(dout(b.ttt, 0, 0, true), [Buffer.alloc(512)], 512, 8192)).toBe(
      'burst-closed',
    );
    expect(t.failure).toBe('protocol-service-crc-error');
  });

  it('a Data-Out longer than our MaxRecvDataSegmentLength is an error', () => {
    const t = new Task(cmd({ final: true, expectedDataLength: 1024 }), [], 0, {
      ...params,
      initialR2T: true,
    });
    const b = t.openBurst(3, 1024);
    t.acceptDataOut(dout(b.ttt, 0, 0, true), [Buffer.alloc(1024)], 1024, 512);
    expect(t.failure).toBe('protocol-service-crc-error');
  });
});

describe('cutDataIn', () => {
  it('cuts at MRDSL and burst boundaries with contiguous offsets and DataSNs', () => {
    const pieces = cutDataIn(Buffer.alloc(10000), 4096, 6000);
    expect(pieces.map((p) => [p.offset, p.data.length, p.dataSN, p.final, p.last])).toEqual([
      [0, 4096, 0, false, false],
      [4096, 1904, 1, true, false],
      [6000, 4000, 2, true, true],
    ]);
  });

  it('property: views cover the buffer exactly, no piece over either limit, F closes every burst', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20000 }),
        fc.integer({ min: 64, max: 9000 }),
        fc.integer({ min: 64, max: 20000 }),
        (size, seg, burst) => {
          const data = Buffer.alloc(size);
          const pieces = cutDataIn(data, seg, burst);
          let offset = 0;
          let inBurst = 0;
          pieces.forEach((p, i) => {
            expect(p.offset).toBe(offset);
            expect(p.dataSN).toBe(i);
            expect(p.data.length).toBeLessThanOrEqual(seg);
            expect(p.data.buffer).toBe(data.buffer);
            inBurst += p.data.length;
            expect(inBurst).toBeLessThanOrEqual(burst);
            if (p.final) inBurst = 0;
            offset += p.data.length;
          });
          expect(offset).toBe(size);
          expect(pieces.at(-1)?.final && pieces.at(-1)?.last).toBe(true);
        },
      ),
    );
  });
});

describe('TaskCommand (what the SCSI layer sees of a task)', () => {
  const nexus = { initiatorName: 'iqn.i', isid: '000000000001', targetName: 'iqn.t', key: 'k' };

  it('carries the task fields; a read has no Data-Out; the abort signal follows the task', () => {
    const t = new Task(
      cmd({ read: true, write: false, itt: 9, lun: 3, expectedDataLength: 512 }),
      [],
      0,
      params,
    );
    const c = new TaskCommand(nexus, t);
    expect([c.nexus, c.lun, c.tag, c.expectedDataLength, c.cdb]).toEqual([nexus, 3, 9, 512, t.cdb]);
    expect(c.dataOut).toEqual([]);
    const signal = c.signal as AbortSignal;
    expect(signal.aborted).toBe(false);
    t.terminate();
    expect(signal.aborted).toBe(true);
  });

  it('a write sees its immediate and unsolicited segments in order, uncopied', () => {
    const a = Buffer.alloc(512, 1);
    const b = Buffer.alloc(512, 2);
    const t = new Task(cmd({ final: false, expectedDataLength: 1024 }), [a], 512, params);
    t.acceptDataOut(dout(0xffffffff, 0, 512, true), [b], 512, 8192);
    const c = new TaskCommand(nexus, t);
    expect(c.dataOut.length).toBe(2);
    expect(c.dataOut[0]).toBe(a);
    expect(c.dataOut[1]).toBe(b);
  });
});
