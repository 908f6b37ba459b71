// One SCSI task on a session: its write data (immediate, unsolicited, solicited by R2T) with the
// sequence checks of RFC 7143 §11.7–§11.8, and the cutting of Data-In into
// PDUs and bursts (§11.7). No I/O here: the session sends what these methods describe.
import type { ScsiCommandPdu } from './pdu/scsi-command.js';
import { RESERVED_TAG } from './pdu/opcodes.js';
import type { DataOutPdu } from './pdu/data-out.js';
import type { SessionParams } from './login/negotiate.js';
import { type NexusId, type ScsiCommand, TransportSense } from '../scsi/target-contract.js';

/** One R2T-solicited burst (sequence), deadline kept by session/task-scheduler.ts. */
export interface Burst {
  readonly ttt: number;
  readonly r2tSN: number;
  readonly offset: number;
  readonly length: number;
  received: number;
  nextDataSN: number;
  /** Until its F-bit Data-Out arrives. */
  open: boolean;
  readonly segments: Buffer[];
}

export type TaskState = 'receiving' | 'ready' | 'executing' | 'done';

/** What a Data-Out did to the task. */
export type DataOutResult =
  /** Accepted; nothing else to do. */
  | 'accepted'
  /** A burst closed (F=1): the caller may issue further R2Ts or start the task. */
  | 'burst-closed'
  /** No task burst matches this TTT (late or foreign): drop silently. */
  | 'unknown-ttt';

export class Task {
  readonly itt: number;
  readonly lun: number;
  readonly cmdSN: number;
  readonly immediate: boolean;
  /** SAM-5 task attribute (RFC 7143 §11.3.1 ATTR): session/start-order.ts TaskAttribute. */
  readonly attr: number;
  readonly read: boolean;
  readonly write: boolean;
  readonly expectedDataLength: number;
  readonly cdb: Buffer;
  /** Made on first use only: most tasks are never aborted and a controller costs ~8 µs. */
  private controller: AbortController | undefined;
  state: TaskState = 'receiving';
  /** Delivered in CmdSN order (or immediate): may execute once its data is complete. */
  ordered = false;
  /** Terminated by a TMF, logout or session end: nothing more may be sent for it. */
  terminated = false;

  /** Immediate data plus the unsolicited Data-Out burst, in offset order. */
  private readonly unsolicited: Buffer[] = [];
  private unsolicitedReceived = 0;
  /** Unsolicited Data-Out still allowed (InitialR2T=No and F=0 on the command). */
  unsolicitedOpen: boolean;
  private unsolicitedDataSN = 0;
  private readonly unsolicitedLimit: number;
  /** R2T bursts issued, in offset order. */
  readonly bursts: Burst[] = [];
  /** Next byte offset to request by R2T. */
  nextR2TOffset = 0;
  nextR2TSN = 0;
  /** First sequence error seen; the task ends with this sense once its bursts close. */
  failure: TransportSense | undefined;
  /** Data-In PDUs sent (the response's ExpDataSN). */
  dataInSent = 0;

  constructor(
    pdu: ScsiCommandPdu,
    immediateData: readonly Buffer[],
    immediateLength: number,
    params: SessionParams,
  ) {
    this.itt = pdu.itt;
    this.lun = pdu.lun;
    this.cmdSN = pdu.cmdSN;
    this.immediate = pdu.immediate;
    this.attr = pdu.attr;
    this.read = pdu.read;
    this.write = pdu.write;
    this.expectedDataLength = pdu.expectedDataLength;
    // The CDB may be a view of a receive chunk; it stays valid as chunks are never reused.
    this.cdb = pdu.cdb;
    this.unsolicited.push(...immediateData);
    this.unsolicitedReceived = immediateLength;
    this.unsolicitedLimit = Math.min(params.firstBurstLength, pdu.expectedDataLength);
    this.unsolicitedOpen = pdu.write && !pdu.final && !params.initialR2T;
    this.nextR2TOffset = immediateLength;
  }

  /** Aborted once the task is terminated (TMF, logout, session end). */
  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    if (this.terminated) this.controller.abort();
    return this.controller.signal;
  }

  /** Ends the task silently: nothing more is sent for it, handlers see the signal aborted. */
  terminate(): void {
    this.terminated = true;
    this.controller?.abort();
  }

  /** Bytes still to solicit by R2T once the unsolicited burst has closed. */
  get needsR2T(): boolean {
    return (
      this.write &&
      this.failure === undefined &&
      !this.unsolicitedOpen &&
      this.nextR2TOffset < this.expectedDataLength
    );
  }

  /** All data in (or the task failed and every open burst has closed). */
  get dataComplete(): boolean {
    if (!this.write) return true;
    if (this.unsolicitedOpen) return false;
    if (this.bursts.some((b) => b.open)) return false;
    if (this.failure !== undefined) return true;
    return this.nextR2TOffset >= this.expectedDataLength;
  }

  /**
   * Data-Out segments as received, in offset order, never concatenated. Without R2T bursts (all
   * data immediate or unsolicited, the usual write up to FirstBurstLength) the task's own list,
   * not a copy: no Data-Out is accepted once the task has started.
   */
  dataOut(): readonly Buffer[] {
    if (this.bursts.length === 0) return this.unsolicited;
    const out = [...this.unsolicited];
    for (const b of this.bursts) out.push(...b.segments);
    return out;
  }

  /** The open burst with this TTT; a loop, not a closure made for every Data-Out PDU. */
  private openBurstOf(ttt: number): Burst | undefined {
    for (const b of this.bursts) if (b.ttt === ttt && b.open) return b;
    return undefined;
  }

  /** Opens the next R2T burst (the scheduler has checked needsR2T and the outstanding limits). */
  openBurst(ttt: number, maxBurstLength: number): Burst {
    const length = Math.min(maxBurstLength, this.expectedDataLength - this.nextR2TOffset);
    const burst: Burst = {
      ttt,
      r2tSN: this.nextR2TSN++,
      offset: this.nextR2TOffset,
      length,
      received: 0,
      nextDataSN: 0,
      open: true,
      segments: [],
    };
    this.nextR2TOffset += length;
    this.bursts.push(burst);
    return burst;
  }

  /**
   * Checks and keeps one Data-Out (RFC 7143 §11.7). A DataSN, offset or
   * length error marks the task failed (PROTOCOL SERVICE CRC ERROR) and its data is discarded;
   * the burst still closes on F so the initiator's sequence ends cleanly.
   */
  acceptDataOut(
    pdu: DataOutPdu,
    data: readonly Buffer[],
    length: number,
    maxSegment: number,
  ): DataOutResult {
    if (pdu.ttt === RESERVED_TAG) {
      if (!this.unsolicitedOpen) {
        this.failure ??= TransportSense.UNEXPECTED_UNSOLICITED_DATA;
        return 'accepted';
      }
      const ok =
        pdu.dataSN === this.unsolicitedDataSN &&
        pdu.bufferOffset === this.unsolicitedReceived &&
        length <= maxSegment &&
        this.unsolicitedReceived + length <= this.unsolicitedLimit;
      this.unsolicitedDataSN = (this.unsolicitedDataSN + 1) >>> 0;
      if (!ok) this.failure ??= TransportSense.PROTOCOL_SERVICE_CRC_ERROR;
      else if (this.failure === undefined) {
        this.unsolicited.push(...data);
        this.unsolicitedReceived += length;
      }
      if (pdu.final) {
        this.unsolicitedOpen = false;
        this.nextR2TOffset = Math.max(this.nextR2TOffset, this.unsolicitedReceived);
        return 'burst-closed';
      }
      return 'accepted';
    }
    const burst = this.openBurstOf(pdu.ttt);
    if (!burst) return 'unknown-ttt';
    const ok =
      pdu.dataSN === burst.nextDataSN &&
      pdu.bufferOffset === burst.offset + burst.received &&
      length <= maxSegment &&
      burst.received + length <= burst.length &&
      (!pdu.final || burst.received + length === burst.length);
    burst.nextDataSN = (burst.nextDataSN + 1) >>> 0;
    if (!ok) this.failure ??= TransportSense.PROTOCOL_SERVICE_CRC_ERROR;
    else if (this.failure === undefined) {
      burst.segments.push(...data);
      burst.received += length;
    }
    if (pdu.final) {
      burst.open = false;
      return 'burst-closed';
    }
    return 'accepted';
  }
}

const NO_DATA_OUT: readonly Buffer[] = Object.freeze([]);

/** What the SCSI layer sees of a task: one object per command, no closures. */
export class TaskCommand implements ScsiCommand {
  readonly lun: number;
  readonly tag: number;
  readonly expectedDataLength: number;
  readonly cdb: Buffer;
  readonly dataOut: readonly Buffer[];

  constructor(
    readonly nexus: NexusId,
    private readonly task: Task,
  ) {
    this.lun = task.lun;
    this.tag = task.itt;
    this.expectedDataLength = task.expectedDataLength;
    this.cdb = task.cdb;
    this.dataOut = task.write ? task.dataOut() : NO_DATA_OUT;
  }

  /** The task's abort signal, made only when a handler asks for it. */
  get signal(): AbortSignal {
    return this.task.signal;
  }
}

/** One Data-In PDU to send: a view of the read buffer. */
export interface DataInPiece {
  readonly data: Buffer;
  readonly offset: number;
  readonly dataSN: number;
  /** Closes a sequence (burst boundary or last). */
  readonly final: boolean;
  readonly last: boolean;
}

/**
 * Cuts `data` into Data-In PDUs of at most `maxSegment` bytes, with F at every `maxBurst` boundary
 * and on the last PDU (RFC 7143 §11.7.1). Views only.
 */
export function cutDataIn(data: Buffer, maxSegment: number, maxBurst: number): DataInPiece[] {
  const pieces: DataInPiece[] = [];
  let offset = 0;
  let burstLeft = maxBurst;
  let dataSN = 0;
  while (offset < data.length) {
    const size = Math.min(maxSegment, burstLeft, data.length - offset);
    const end = offset + size;
    burstLeft -= size;
    const last = end === data.length;
    pieces.push({
      data: data.subarray(offset, end),
      offset,
      dataSN: dataSN++,
      final: last || burstLeft === 0,
      last,
    });
    if (burstLeft === 0) burstLeft = maxBurst;
    offset = end;
  }
  return pieces;
}
