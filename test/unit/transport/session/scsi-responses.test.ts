// A READ's pooled data buffer goes back to the pool only through the connection's "written"
// callback of its last Data-In (the outcome's dataInWritten), never earlier and never for data
// that is not pooled.
import { describe, expect, it } from 'vitest';
import { readBuffer, releaserOf } from '../../../../scsi/read-buffer.js';
import { ScsiStatus } from '../../../../scsi/target-contract.js';
import { DEFAULT_PARAMS } from '../../../../transport/login/negotiate.js';
import type { ScsiCommandPdu } from '../../../../transport/pdu/scsi-command.js';
import { CommandWindow } from '../../../../transport/session/command-window.js';
import { ScsiResponses } from '../../../../transport/session/scsi-responses.js';
import type { SessionIo } from '../../../../transport/session/session-io.js';
import { Task } from '../../../../transport/task.js';

interface Sent {
  readonly data: readonly Buffer[];
  readonly written: (() => void) | undefined;
}

function setup(maxSegment: number) {
  const sent: Sent[] = [];
  let statSN = 1;
  const io = {
    send: (_header: Buffer, data: readonly Buffer[] = [], written?: () => void) => {
      sent.push({ data, written });
    },
    takeStatSN: () => statSN++,
    peekStatSN: () => statSN,
  } as unknown as SessionIo;
  const params = { ...DEFAULT_PARAMS, initiatorMaxRecvDataSegmentLength: maxSegment };
  const responses = new ScsiResponses(io, new CommandWindow(1, 128), params);
  /** A GOOD outcome with `data`, as dispatch makes it (with the release of a pooled buffer). */
  const good = (data: Buffer) => {
    const dataInWritten = releaserOf(data);
    return { status: ScsiStatus.GOOD, dataIn: data, ...(dataInWritten ? { dataInWritten } : {}) };
  };
  const read = (bytes: number): Task => {
    const pdu: ScsiCommandPdu = {
      immediate: false,
      final: true,
      read: true,
      write: false,
      attr: 1,
      lun: 0,
      itt: 7,
      expectedDataLength: bytes,
      cmdSN: 1,
      expStatSN: 0,
      cdb: Buffer.alloc(16),
      ahsProblem: undefined,
    };
    return new Task(pdu, [], 0, params);
  };
  return { sent, responses, read, good };
}

describe('ScsiResponses and pooled READ buffers', () => {
  it('hands the release to the last Data-In only; the buffer returns when that one is written', () => {
    const { sent, responses, read, good } = setup(65536);
    const bytes = 256 * 1024;
    const data = readBuffer(bytes);
    responses.complete(read(bytes), good(data));
    expect(sent.length).toBe(4);
    expect(sent.slice(0, 3).every((s) => s.written === undefined)).toBe(true);
    const last = sent[3]?.written;
    expect(last).toBeTypeOf('function');
    // Not released yet: another READ of that size gets other memory.
    const meanwhile = readBuffer(bytes);
    expect(meanwhile.buffer).not.toBe(data.buffer);
    last?.();
    expect(readBuffer(bytes).buffer).toBe(data.buffer);
  });

  it('passes no callback for data that is not pooled (slab-cut or plain buffers)', () => {
    const { sent, responses, read, good } = setup(65536);
    responses.complete(read(4096), good(readBuffer(4096)));
    responses.complete(read(100_000), good(Buffer.alloc(100_000)));
    expect(sent.every((s) => s.written === undefined)).toBe(true);
  });

  it('ignores a second release of the same buffer (it is handed out once)', () => {
    const { sent, responses, read, good } = setup(1 << 20);
    const bytes = 512 * 1024;
    const data = readBuffer(bytes);
    responses.complete(read(bytes), good(data));
    sent.at(-1)?.written?.();
    sent.at(-1)?.written?.();
    const a = readBuffer(bytes);
    const b = readBuffer(bytes);
    expect(a.buffer).toBe(data.buffer);
    expect(b.buffer).not.toBe(data.buffer);
  });
});
