// One iSCSI session in full feature phase (ERL 0, one connection): the CmdSN window and in-order
// delivery (RFC 7143 §4.2.2.1), StatSN numbering (§4.2.2.2), SCSI tasks with
// their Data-Out/R2T/Data-In (§11.3–§11.8), NOP (§11.18), TMF (§11.5), logout (§11.14),
// Reject (§11.17), Async (§11.9) and Text/SendTargets (§11.10, Appendix C).
import createDebug from 'debug';
import {
  type NexusId,
  type ScsiOutcome,
  ScsiStatus,
  type ScsiTarget,
} from '../scsi/target.js';
import { sendTargets, type Portal } from './discovery.js';
import {
  MAX_FFP_TEXT_RESPONSE,
  MAX_NEGOTIATION_TEXT,
  MAX_OPEN_R2T_BURSTS,
  MAX_PENDING_IMMEDIATE,
  MAX_TEXT_RESPONSE,
  type TransportLimits,
} from './limits.js';
import { iscsiNameProblem } from './login/iscsi-name.js';
import { KEYS, LOGIN_DECLARATIONS } from './login/keys.js';
import type { LoginOutcome } from './login/login-stages.js';
import type { SessionParams } from './login/negotiate.js';
import { splitText } from './login/text-parts.js';
import { encodeTextPairs, parseTextPairs, type TextPair } from './login/text-pairs.js';
import { AsyncEvent, encodeAsyncMessage } from './pdu/async-message.js';
import type { SequenceNumbers } from './pdu/bhs.js';
import { type DataInStatus, encodeDataIn } from './pdu/data-in.js';
import { decodeDataOut } from './pdu/data-out.js';
import type { RawPdu } from './pdu/framer.js';
import { decodeLogoutRequest, LogoutReason } from './pdu/logout-request.js';
import { encodeLogoutResponse, LogoutResponse } from './pdu/logout-response.js';
import { encodeNopIn } from './pdu/nop-in.js';
import { decodeNopOut } from './pdu/nop-out.js';
import { InitiatorOpcode, RejectReason, RESERVED_TAG } from './pdu/opcodes.js';
import { encodeR2t } from './pdu/r2t.js';
import { encodeReject } from './pdu/reject.js';
import { decodeScsiCommand, type ScsiCommandPdu } from './pdu/scsi-command.js';
import {
  encodeScsiResponse,
  ISCSI_RESPONSE_COMPLETED,
  ISCSI_RESPONSE_TARGET_FAILURE,
  NO_RESIDUAL,
  residualOf,
  senseSegment,
} from './pdu/scsi-response.js';
import { decodeTextRequest, encodeTextResponse } from './pdu/text.js';
import { decodeTmfRequest } from './pdu/tmf-request.js';
import { encodeTmfResponse } from './pdu/tmf-response.js';
import { serialAdd, serialInRange, serialLt } from './serial.js';
import type { RegisteredSession } from './session-registry.js';
import type { TargetPortalConfig } from './target-portal-config.js';
import { cutDataIn, Task, TaskCommand } from './task.js';
import { runTaskManagement, type TmfHost } from './task-management.js';

const log = createDebug('zbc:transport:session');

/** What a session needs from its connection. */
export interface SessionIo {
  send(header: Buffer, data?: readonly Buffer[]): void;
  /** The current StatSN, advancing it. */
  takeStatSN(): number;
  /** The current StatSN, unadvanced. */
  peekStatSN(): number;
  /** The one failure path: closes the connection (and so ends this session). */
  fail(reason: string): void;
  /** Graceful end after a final response (logout, cold reset): flush, half-close, destroy. */
  finishLogout(): void;
  readonly portal: Portal;
  /** Queued output above the high-water mark. */
  readonly congested: boolean;
  whenDrained(resume: () => void): void;
}

export interface SessionEnvironment {
  readonly limits: TransportLimits;
  targets(): readonly TargetPortalConfig[];
  /** Other live sessions of a target (LU reset, target reset). */
  sessionsOfTarget(targetName: string): readonly Session[];
  /** The session ended: forget it (registry). */
  ended(session: Session): void;
}

export function nexusKey(initiatorName: string, isid: string, targetName: string): string {
  return `${initiatorName},i,0x${isid},${targetName},t,0x0001`;
}

type Handler = (raw: RawPdu) => void;

/** A Text Response being sent in parts: its ITT, our TTT and the parts not sent yet. */
interface TextReply {
  readonly itt: number;
  readonly ttt: number;
  readonly parts: Buffer[];
}

/** The first `bytes` bytes of a list of views, as views. */
function leadingViews(views: readonly Buffer[], bytes: number): Buffer[] {
  const out: Buffer[] = [];
  let left = bytes;
  for (const view of views) {
    if (left === 0) break;
    const part = view.length <= left ? view : view.subarray(0, left);
    out.push(part);
    left -= part.length;
  }
  return out;
}

export class Session implements RegisteredSession {
  readonly tsih: number;
  readonly initiatorName: string;
  readonly isid: string;
  readonly targetName: string | undefined;
  readonly kind: LoginOutcome['kind'];
  readonly params: SessionParams;
  readonly nexus: NexusId | undefined;
  private readonly scsi: ScsiTarget | undefined;
  private readonly target: TargetPortalConfig | undefined;

  private expCmdSN: number;
  /** Delivered non-immediate SCSI tasks not yet completed (they hold window slots). */
  private inFlight = 0;
  private pendingImmediate = 0;
  /** Early arrivals inside the window, waiting for the gap below them. */
  private readonly held = new Map<number, () => void>();
  private readonly tasks = new Map<number, Task>();
  /** Delivered tasks in CmdSN order, executed one after another as their data completes. */
  private readonly execQueue: Task[] = [];
  private readonly discardCmdSNs = new Set<number>();
  private readonly r2tWaiters: Task[] = [];
  private openBursts = 0;
  private nextTtt = 1;
  private textParts: Buffer[] = [];
  private textBytes = 0;
  /** The rest of a long Text Response, fetched by empty requests echoing its TTT (§11.11). */
  private textReply: TextReply | undefined;
  private waitingForDrain = false;
  private logoutRequested = false;
  private ended = false;
  private readonly handlers: ReadonlyMap<number, Handler>;

  constructor(
    private readonly io: SessionIo,
    private readonly env: SessionEnvironment,
    outcome: LoginOutcome,
  ) {
    this.tsih = outcome.tsih;
    this.initiatorName = outcome.initiatorName;
    this.isid = outcome.isid;
    this.kind = outcome.kind;
    this.params = outcome.params;
    this.target = outcome.target;
    this.targetName = outcome.kind === 'Normal' ? outcome.target?.name : undefined;
    this.scsi = outcome.kind === 'Normal' ? outcome.target?.scsi : undefined;
    this.expCmdSN = outcome.cmdSN;
    this.nexus =
      this.targetName === undefined
        ? undefined
        : {
            initiatorName: this.initiatorName,
            isid: this.isid,
            targetName: this.targetName,
            key: nexusKey(this.initiatorName, this.isid, this.targetName),
          };
    const common: [number, Handler][] = [
      [InitiatorOpcode.NOP_OUT, (raw) => this.onNopOut(raw)],
      [InitiatorOpcode.TEXT_REQUEST, (raw) => this.onText(raw)],
      [InitiatorOpcode.LOGOUT_REQUEST, (raw) => this.onLogout(raw)],
      [InitiatorOpcode.LOGIN_REQUEST, (raw) => this.reject(RejectReason.PROTOCOL_ERROR, raw.bhs)],
      [InitiatorOpcode.SNACK_REQUEST, (raw) => this.reject(RejectReason.PROTOCOL_ERROR, raw.bhs)],
    ];
    const normalOnly: [number, Handler][] = [
      [InitiatorOpcode.SCSI_COMMAND, (raw) => this.onScsiCommand(raw)],
      [InitiatorOpcode.SCSI_DATA_OUT, (raw) => this.onDataOut(raw)],
      [InitiatorOpcode.TASK_MANAGEMENT_REQUEST, (raw) => this.onTaskManagement(raw)],
    ];
    // Discovery sessions: only Text, Logout (and NOP) are legal (RFC 7143 §4.3).
    const discoveryOnly: [number, Handler][] = normalOnly.map(([op]) => [
      op,
      (raw: RawPdu) => this.reject(RejectReason.PROTOCOL_ERROR, raw.bhs),
    ]);
    this.handlers = new Map([...common, ...(this.scsi ? normalOnly : discoveryOnly)]);
    if (this.scsi && this.nexus) this.scsi.nexusCreated(this.nexus);
  }

  // ---- sequence numbers -------------------------------------------------------------------

  private get maxCmdSN(): number {
    return serialAdd(this.expCmdSN, this.env.limits.queueDepth - 1 - this.inFlight);
  }

  /** Numbers for a PDU that advances StatSN. */
  private advancing(): SequenceNumbers {
    return { statSN: this.io.takeStatSN(), expCmdSN: this.expCmdSN, maxCmdSN: this.maxCmdSN };
  }

  /** Numbers for a PDU that carries the next StatSN unadvanced (R2T, target NOP-In, Data-In). */
  private current(): SequenceNumbers {
    return { statSN: this.io.peekStatSN(), expCmdSN: this.expCmdSN, maxCmdSN: this.maxCmdSN };
  }

  /** Window numbers for the connection (target pings). */
  windowNumbers(): SequenceNumbers {
    return this.current();
  }

  private inWindow(cmdSN: number): boolean {
    return serialInRange(cmdSN, this.expCmdSN, this.maxCmdSN) && !this.held.has(cmdSN);
  }

  /**
   * Non-immediate PDUs: outside the window or duplicate -> discarded silently (no Reject, the
   * connection stays); early ones wait for the gap; delivery is in CmdSN order.
   */
  private order(cmdSN: number, deliver: () => void): boolean {
    if (!this.inWindow(cmdSN)) {
      log('CmdSN %d outside [%d, %d] or duplicate: discarded', cmdSN, this.expCmdSN, this.maxCmdSN);
      return false;
    }
    this.held.set(cmdSN, deliver);
    while (!this.ended) {
      const next = this.held.get(this.expCmdSN);
      if (!next) break;
      this.held.delete(this.expCmdSN);
      this.expCmdSN = serialAdd(this.expCmdSN, 1);
      next();
    }
    return true;
  }

  // ---- dispatch -----------------------------------------------------------------------------

  /** One PDU from the connection (FFP). Never throws for peer input. */
  handle(raw: RawPdu): void {
    if (this.ended) return;
    const opcode = raw.bhs.readUInt8(0) & 0x3f;
    const handler = this.handlers.get(opcode);
    if (!handler) {
      this.reject(RejectReason.COMMAND_NOT_SUPPORTED, raw.bhs);
      return;
    }
    if (raw.dataDigestError && opcode !== InitiatorOpcode.SCSI_DATA_OUT) {
      // RFC 7143 §7.8: discard the PDU, Reject 0x02; the initiator retries or times out.
      this.reject(RejectReason.DATA_DIGEST_ERROR, raw.bhs);
      return;
    }
    handler(raw);
  }

  reject(reason: RejectReason, bhs: Buffer): void {
    log('reject 0x%s', reason.toString(16));
    this.io.send(encodeReject({ reason, ...this.advancing() }), [bhs]);
  }

  // ---- SCSI commands ------------------------------------------------------------------------

  private onScsiCommand(raw: RawPdu): void {
    const pdu = decodeScsiCommand(raw.bhs, raw.ahs);
    if (this.logoutRequested) return this.reject(RejectReason.WAITING_FOR_LOGOUT, raw.bhs);
    if (pdu.ahsProblem !== undefined || (pdu.read && pdu.write) || pdu.itt === RESERVED_TAG) {
      return this.reject(RejectReason.INVALID_PDU_FIELD, raw.bhs);
    }
    if (pdu.expectedDataLength !== 0 && !pdu.read && !pdu.write) {
      return this.reject(RejectReason.INVALID_PDU_FIELD, raw.bhs);
    }
    if (!this.immediateDataAllowed(pdu, raw.dataLength)) return this.reject(RejectReason.PROTOCOL_ERROR, raw.bhs);
    if (pdu.immediate) {
      if (this.pendingImmediate >= MAX_PENDING_IMMEDIATE) {
        return this.reject(RejectReason.IMMEDIATE_COMMAND_REJECT, raw.bhs);
      }
    } else if (!this.inWindow(pdu.cmdSN)) {
      log('SCSI command CmdSN %d outside [%d, %d] or duplicate: discarded', pdu.cmdSN, this.expCmdSN, this.maxCmdSN);
      return;
    }
    if (this.tasks.has(pdu.itt)) return this.reject(RejectReason.TASK_IN_PROGRESS, raw.bhs);
    if (!pdu.immediate && this.discardCmdSNs.delete(pdu.cmdSN)) {
      // Aborted before it arrived (ABORT TASK by RefCmdSN): consume the CmdSN, nothing else.
      this.order(pdu.cmdSN, () => {});
      return;
    }
    if (this.tasks.size >= this.env.limits.maxTasksPerSession) {
      // SAM-5 §5.3.4: TASK SET FULL; a non-immediate command still consumes its CmdSN.
      const full = () => this.sendStatusOnly(pdu, ScsiStatus.TASK_SET_FULL);
      if (pdu.immediate) full();
      else this.order(pdu.cmdSN, full);
      return;
    }
    const task = new Task(pdu, raw.data, raw.dataLength, this.params);
    this.tasks.set(task.itt, task);
    if (pdu.immediate) {
      this.pendingImmediate++;
      task.ordered = true;
    } else if (pdu.cmdSN === this.expCmdSN && this.held.size === 0) {
      // The usual case, the next CmdSN with nothing held: what order() would do, minus a closure.
      this.expCmdSN = serialAdd(this.expCmdSN, 1);
      this.enqueue(task);
    } else {
      this.order(pdu.cmdSN, () => this.enqueue(task));
    }
    this.requestData(task);
    this.progress(task);
  }

  /** A non-immediate task whose CmdSN came up: it takes a window slot and waits its turn. */
  private enqueue(task: Task): void {
    if (task.terminated) return;
    task.ordered = true;
    this.inFlight++;
    this.execQueue.push(task);
  }

  /** RFC 7143 §11.3.4: immediate data rules. */
  private immediateDataAllowed(pdu: ScsiCommandPdu, length: number): boolean {
    if (!pdu.final && (!pdu.write || this.params.initialR2T)) return false;
    if (length === 0) return true;
    if (!pdu.write || !this.params.immediateData) return false;
    const cap = Math.min(this.params.targetMaxRecvDataSegmentLength, this.params.firstBurstLength, pdu.expectedDataLength);
    if (length > cap) return false;
    return !(length === pdu.expectedDataLength && !pdu.final);
  }

  private sendStatusOnly(pdu: ScsiCommandPdu, status: ScsiStatus): void {
    this.io.send(
      encodeScsiResponse({
        itt: pdu.itt,
        response: ISCSI_RESPONSE_COMPLETED,
        status,
        residual: NO_RESIDUAL,
        expDataSN: 0,
        dataSegmentLength: 0,
        ...this.advancing(),
      }),
    );
  }

  /** Starts what can start: the head of the ordered queue, or a ready immediate task. */
  private progress(task: Task | undefined): void {
    if (task?.immediate && task.state === 'receiving' && task.dataComplete && !task.terminated) {
      this.start(task);
    }
    this.pump();
  }

  private pump(): void {
    while (this.execQueue.length > 0 && !this.ended) {
      if (this.io.congested) {
        if (!this.waitingForDrain) {
          this.waitingForDrain = true;
          this.io.whenDrained(() =>
            this.guard(() => {
              this.waitingForDrain = false;
              this.pump();
            }),
          );
        }
        return;
      }
      const head = this.execQueue[0] as Task;
      if (head.terminated) {
        this.execQueue.shift();
        continue;
      }
      if (!head.dataComplete) return;
      this.execQueue.shift();
      this.start(head);
    }
  }

  private start(task: Task): void {
    task.state = 'executing';
    const scsi = this.scsi as ScsiTarget;
    if (task.failure !== undefined) {
      this.finish(task, scsi.checkCondition(task.lun, task.failure));
      return;
    }
    let result: Promise<ScsiOutcome>;
    try {
      result = scsi.execute(new TaskCommand(this.nexus as NexusId, task));
    } catch (err) {
      result = Promise.reject(err);
    }
    result.then(
      (outcome) => this.settle(task, outcome),
      (err: unknown) => {
        log('execute rejected (a SCSI layer bug): %O', err);
        this.settle(task, undefined);
      },
    );
  }

  /** finish() from a promise callback: a bug closes only this connection (as guard()). */
  private settle(task: Task, outcome: ScsiOutcome | undefined): void {
    try {
      this.finish(task, outcome);
    } catch (err) {
      log('internal error: %O', err);
      this.io.fail('internal error');
    }
  }

  /** Releases the task's window slot or immediate count. */
  private release(task: Task): void {
    this.tasks.delete(task.itt);
    task.stopTimers();
    for (const b of task.bursts) {
      if (b.open) {
        b.open = false;
        this.openBursts--;
      }
    }
    const waiting = this.r2tWaiters.indexOf(task);
    if (waiting >= 0) this.r2tWaiters.splice(waiting, 1);
    if (task.immediate) this.pendingImmediate--;
    else if (task.ordered) this.inFlight--;
  }

  /** The outcome of a task: Data-In (phase-collapsed when allowed) and/or SCSI Response. */
  private finish(task: Task, outcome: ScsiOutcome | undefined): void {
    if (task.terminated || this.ended || task.state === 'done') return;
    task.state = 'done';
    this.release(task);
    this.issueR2Ts();
    if (!outcome) {
      this.io.send(
        encodeScsiResponse({
          itt: task.itt,
          response: ISCSI_RESPONSE_TARGET_FAILURE,
          status: 0,
          residual: NO_RESIDUAL,
          expDataSN: 0,
          dataSegmentLength: 0,
          ...this.advancing(),
        }),
      );
      this.pump();
      return;
    }
    const edtl = task.expectedDataLength;
    const dataIn = outcome.dataIn;
    let spdtl: number;
    if (task.read) spdtl = dataIn?.length ?? 0;
    else if (task.write) spdtl = outcome.dataOutLength ?? edtl;
    else spdtl = dataIn?.length ?? outcome.dataOutLength ?? 0;
    const residual = residualOf(edtl, spdtl);
    const collapsible = outcome.status === ScsiStatus.GOOD || outcome.status === ScsiStatus.CONDITION_MET;
    if (task.read && dataIn && dataIn.length > 0 && edtl > 0) {
      const payload = dataIn.length > edtl ? dataIn.subarray(0, edtl) : dataIn;
      const status: DataInStatus | undefined = collapsible ? { code: outcome.status, residual } : undefined;
      const maxSegment = this.params.initiatorMaxRecvDataSegmentLength;
      if (payload.length <= maxSegment && payload.length <= this.params.maxBurstLength) {
        // One PDU carries it all (a small READ): no cutting.
        this.sendDataIn(task, payload, 0, 0, true, status);
      } else {
        for (const piece of cutDataIn(payload, maxSegment, this.params.maxBurstLength)) {
          this.sendDataIn(task, piece.data, piece.offset, piece.dataSN, piece.final, piece.last ? status : undefined);
        }
      }
      if (collapsible) {
        this.pump();
        return;
      }
    }
    const sense = outcome.sense && outcome.sense.length > 0 ? senseSegment(outcome.sense) : [];
    const senseLength = sense.reduce((n, b) => n + b.length, 0);
    this.io.send(
      encodeScsiResponse({
        itt: task.itt,
        response: ISCSI_RESPONSE_COMPLETED,
        status: outcome.status,
        residual,
        expDataSN: task.dataInSent,
        dataSegmentLength: senseLength,
        ...this.advancing(),
      }),
      sense,
    );
    this.pump();
  }

  /** One Data-In PDU; with `status` it is the task's last and carries the status (S=1). */
  private sendDataIn(
    task: Task,
    data: Buffer,
    offset: number,
    dataSN: number,
    final: boolean,
    status: DataInStatus | undefined,
  ): void {
    // Only a PDU with status advances StatSN (RFC 7143 §11.7.8).
    const statSN = status ? this.io.takeStatSN() : this.io.peekStatSN();
    const header = encodeDataIn({
      itt: task.itt,
      lun: task.lun,
      final,
      dataSN,
      bufferOffset: offset,
      dataSegmentLength: data.length,
      expCmdSN: this.expCmdSN,
      maxCmdSN: this.maxCmdSN,
      statSN,
      status,
    });
    this.io.send(header, [data]);
    task.dataInSent++;
  }

  // ---- write data ----------------------------------------------------------------------------

  /** Queues the task for R2Ts if it needs data, then issues what the limits allow. */
  private requestData(task: Task): void {
    if (task.needsR2T && !this.r2tWaiters.includes(task)) this.r2tWaiters.push(task);
    this.issueR2Ts();
  }

  /** R2Ts in task order, at most MaxOutstandingR2T per task and MAX_OPEN_R2T_BURSTS per session. */
  private issueR2Ts(): void {
    let i = 0;
    while (i < this.r2tWaiters.length && this.openBursts < MAX_OPEN_R2T_BURSTS && !this.ended) {
      const task = this.r2tWaiters[i] as Task;
      if (!task.needsR2T || task.terminated) {
        this.r2tWaiters.splice(i, 1);
        continue;
      }
      if (task.openBursts >= this.params.maxOutstandingR2T) {
        i++;
        continue;
      }
      const burst = task.openBurst(this.allocateTtt(), this.params.maxBurstLength);
      this.openBursts++;
      burst.timer = setTimeout(() => this.io.fail('no Data-Out after R2T'), this.env.limits.dataOutTimeoutMs);
      burst.timer.unref?.();
      this.io.send(
        encodeR2t({
          itt: task.itt,
          lun: task.lun,
          ttt: burst.ttt,
          r2tSN: burst.r2tSN,
          bufferOffset: burst.offset,
          desiredLength: burst.length,
          ...this.current(),
        }),
      );
    }
  }

  /** A target transfer tag unique on this connection (never 0xffffffff). */
  allocateTtt(): number {
    const ttt = this.nextTtt;
    this.nextTtt = this.nextTtt >= 0xfffffffe ? 1 : this.nextTtt + 1;
    return ttt;
  }

  private onDataOut(raw: RawPdu): void {
    const pdu = decodeDataOut(raw.bhs);
    const task = this.tasks.get(pdu.itt);
    // Unknown ITT (e.g. a task just aborted) or data after the data phase: drop silently.
    if (!task || task.state !== 'receiving') return;
    if (raw.dataDigestError) {
      this.reject(RejectReason.DATA_DIGEST_ERROR, raw.bhs);
      task.failure ??= 'protocol-service-crc-error';
    }
    const result = task.acceptDataOut(pdu, raw.data, raw.dataLength, this.params.targetMaxRecvDataSegmentLength);
    if (result === 'unknown-ttt') return;
    if (result === 'burst-closed') {
      if (pdu.ttt !== RESERVED_TAG) this.openBursts--;
      this.requestData(task);
      this.progress(task);
    }
  }

  // ---- NOP, Text, Logout, TMF ----------------------------------------------------------------

  private onNopOut(raw: RawPdu): void {
    const pdu = decodeNopOut(raw.bhs);
    if (pdu.itt === RESERVED_TAG) {
      // Answer to a target ping (or a bare window probe): must be immediate, gets no response.
      if (!pdu.immediate) this.reject(RejectReason.PROTOCOL_ERROR, raw.bhs);
      else if (pdu.ttt !== RESERVED_TAG) this.onPingAnswered?.(pdu.ttt);
      return;
    }
    const echo = (): void => {
      // RFC 7143 §11.18 (Ping Data): the echo is limited to the initiator's MaxRecvDataSegmentLength.
      const limit = this.params.initiatorMaxRecvDataSegmentLength;
      const length = Math.min(raw.dataLength, limit);
      this.io.send(
        encodeNopIn({
          itt: pdu.itt,
          ttt: RESERVED_TAG,
          lunBytes: pdu.lunBytes,
          dataSegmentLength: length,
          ...this.advancing(),
        }),
        length === raw.dataLength ? raw.data : leadingViews(raw.data, length),
      );
    };
    if (pdu.immediate) echo();
    else this.order(pdu.cmdSN, echo);
  }

  /** Set by the connection: the initiator answered the target ping with this TTT. */
  onPingAnswered: ((ttt: number) => void) | undefined;

  private onText(raw: RawPdu): void {
    const pdu = decodeTextRequest(raw.bhs);
    const run = (): void => {
      const reply = this.textReply;
      if (reply && pdu.itt === reply.itt && pdu.ttt === reply.ttt) {
        // RFC 7143 §11.10: the initiator asks for the next part with an empty request.
        if (raw.dataLength > 0) {
          this.textReply = undefined;
          return this.reject(RejectReason.PROTOCOL_ERROR, raw.bhs);
        }
        return this.sendTextPart(reply);
      }
      // A new request ends an unfinished answer; a TTT we never gave out is an invalid field.
      this.textReply = undefined;
      if (pdu.ttt !== RESERVED_TAG && this.textParts.length === 0) {
        return this.reject(RejectReason.INVALID_PDU_FIELD, raw.bhs);
      }
      this.textBytes += raw.dataLength;
      if (this.textBytes > MAX_NEGOTIATION_TEXT) {
        this.textParts = [];
        this.textBytes = 0;
        this.reject(RejectReason.PROTOCOL_ERROR, raw.bhs);
        return;
      }
      for (const part of raw.data) this.textParts.push(Buffer.from(part));
      if (pdu.continued) {
        // RFC 7143 §11.10.2: more text follows; answer empty with a TTT to continue on.
        this.io.send(...this.textResponse(pdu.itt, false, this.allocateTtt(), []));
        return;
      }
      const text = Buffer.concat(this.textParts);
      this.textParts = [];
      this.textBytes = 0;
      const parsed = parseTextPairs(text);
      if (!parsed.ok) {
        this.reject(RejectReason.PROTOCOL_ERROR, raw.bhs);
        return;
      }
      const answer = this.answerText(parsed.pairs);
      const data = encodeTextPairs(answer.pairs);
      // RFC 7143 §6.10: a Text Request may be answered with a Reject, a negotiation failure. We do
      // so when no key of it can be honoured (all NotUnderstood or Reject), and for an answer
      // beyond MAX_TEXT_RESPONSE. libiscsi ends the connection on any Text Response key other
      // than TargetName/TargetAddress but keeps it on a Reject (docs/interop.md).
      if ((!answer.honoured && parsed.pairs.length > 0) || data.length > MAX_TEXT_RESPONSE) {
        return this.reject(RejectReason.PROTOCOL_ERROR, raw.bhs);
      }
      const limit = Math.min(this.params.initiatorMaxRecvDataSegmentLength, MAX_FFP_TEXT_RESPONSE);
      const parts = splitText(data, limit);
      const ttt = parts.length > 1 ? this.allocateTtt() : RESERVED_TAG;
      this.sendTextPart({ itt: pdu.itt, ttt, parts });
    };
    if (pdu.immediate) run();
    else this.order(pdu.cmdSN, run);
  }

  /** One part of an answer: C and F=0 with our TTT while more follows, F=1 on the last. */
  private sendTextPart(reply: TextReply): void {
    const part = reply.parts.shift() ?? Buffer.alloc(0);
    const last = reply.parts.length === 0;
    this.textReply = last ? undefined : reply;
    const ttt = last ? RESERVED_TAG : reply.ttt;
    this.io.send(
      encodeTextResponse({
        final: last,
        continued: !last,
        itt: reply.itt,
        ttt,
        dataSegmentLength: part.length,
        ...this.advancing(),
      }),
      part.length > 0 ? [part] : [],
    );
  }

  private textResponse(itt: number, final: boolean, ttt: number, pairs: readonly TextPair[]): [Buffer, Buffer[]] {
    const data = encodeTextPairs(pairs);
    const sn = this.advancing();
    return [
      encodeTextResponse({ final, itt, ttt, dataSegmentLength: data.length, ...sn }),
      data.length > 0 ? [data] : [],
    ];
  }

  /**
   * FFP text keys: SendTargets; login-only keys -> Reject; anything else -> NotUnderstood.
   * `honoured`: at least one key got a real answer.
   */
  private answerText(pairs: readonly TextPair[]): { pairs: TextPair[]; honoured: boolean } {
    const answers: TextPair[] = [];
    let honoured = false;
    for (const [key, value] of pairs) {
      if (key === 'SendTargets') {
        if (value !== 'All' && value !== '' && iscsiNameProblem(value) !== undefined) {
          answers.push([key, 'Reject']);
          continue;
        }
        const answer = sendTargets(value, {
          kind: this.kind,
          initiatorName: this.initiatorName,
          ownTarget: this.target,
          targets: this.env.targets(),
          portal: this.io.portal,
          maxBytes: MAX_TEXT_RESPONSE,
        });
        if (answer.ok) answers.push(...answer.pairs);
        else answers.push([key, 'Reject']);
        honoured ||= answer.ok;
      } else if (KEYS.has(key) || LOGIN_DECLARATIONS.has(key)) {
        answers.push([key, 'Reject']);
      } else {
        answers.push([key, 'NotUnderstood']);
      }
    }
    return { pairs: answers, honoured };
  }

  private onLogout(raw: RawPdu): void {
    const pdu = decodeLogoutRequest(raw.bhs);
    const respond = (response: LogoutResponse): void => {
      this.io.send(encodeLogoutResponse({ itt: pdu.itt, response, time2Wait: 0, time2Retain: 0, ...this.advancing() }));
    };
    const run = (): void => {
      if (pdu.reason === LogoutReason.REMOVE_FOR_RECOVERY) return respond(LogoutResponse.RECOVERY_NOT_SUPPORTED);
      if (pdu.reason !== LogoutReason.CLOSE_SESSION && pdu.reason !== LogoutReason.CLOSE_CONNECTION) {
        return this.reject(RejectReason.INVALID_PDU_FIELD, raw.bhs);
      }
      // Closing our only connection closes the session (ERL 0). Pending tasks end without responses.
      this.terminateTasks(() => true);
      respond(LogoutResponse.SUCCESS);
      this.end();
      this.io.finishLogout();
    };
    if (pdu.immediate) run();
    else this.order(pdu.cmdSN, run);
  }

  private onTaskManagement(raw: RawPdu): void {
    const pdu = decodeTmfRequest(raw.bhs);
    const run = (): void => {
      runTaskManagement(this.tmfHost(), pdu).then(
        ({ response, thenCloseAll }) =>
          this.guard(() => {
            if (this.ended) return;
            this.io.send(encodeTmfResponse({ itt: pdu.itt, response, ...this.advancing() }));
            if (thenCloseAll && this.targetName) {
              // RFC 7143 §11.5.1: after the response, close every connection of every session.
              for (const s of [...this.env.sessionsOfTarget(this.targetName)]) {
                if (s !== this) s.terminate('target cold reset');
              }
              this.end();
              this.io.finishLogout();
            }
          }),
        (err: unknown) => {
          log('task management failed: %O', err);
          this.io.fail('task management failed');
        },
      );
    };
    if (pdu.immediate) run();
    else this.order(pdu.cmdSN, run);
  }

  private tmfHost(): TmfHost {
    return {
      scsi: this.scsi as ScsiTarget,
      nexus: this.nexus as NexusId,
      findTask: (itt) => this.tasks.get(itt),
      commandStillArriving: (refCmdSN, tmfCmdSN) =>
        serialInRange(refCmdSN, this.expCmdSN, this.maxCmdSN) && serialLt(refCmdSN, tmfCmdSN),
      discardWhenArrives: (cmdSN) => this.discardCmdSNs.add(cmdSN),
      terminateOwnTasks: (match) => this.terminateTasks(match),
      terminateOtherSessionsTasks: (lun) => {
        if (!this.targetName) return;
        for (const s of this.env.sessionsOfTarget(this.targetName)) {
          if (s !== this) s.terminateTasks((t) => lun === undefined || t.lun === lun);
        }
      },
    };
  }

  /** Runs a callback outside the socket handler (promise, timer, drain): a bug closes only us. */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      log('internal error: %O', err);
      this.io.fail('internal error');
    }
  }

  // ---- ending ------------------------------------------------------------------------------

  /** Terminates matching tasks without any response (TMF, logout, session end). */
  terminateTasks(match: (task: Task) => boolean): void {
    for (const task of [...this.tasks.values()]) {
      if (!match(task)) continue;
      task.terminate();
      this.release(task);
    }
    this.issueR2Ts();
    this.pump();
  }

  /** Async Message event 1 (RFC 7143 §11.9.1): please log out within `seconds`. */
  requestLogout(seconds: number): void {
    if (this.ended || this.logoutRequested) return;
    this.logoutRequested = true;
    this.io.send(
      encodeAsyncMessage({ event: AsyncEvent.LOGOUT_REQUESTED, parameter3: seconds, ...this.advancing() }),
    );
  }

  /** Ends the session now (reinstatement, cold reset, server stop): the connection closes. */
  terminate(reason: string): void {
    this.io.fail(reason);
  }

  /** Session teardown, once: tasks terminated silently, nexus loss reported, registry told. */
  end(): void {
    if (this.ended) return;
    this.terminateTasks(() => true);
    this.ended = true;
    this.held.clear();
    if (this.scsi && this.nexus) {
      try {
        this.scsi.nexusLost(this.nexus);
      } catch (err) {
        log('nexusLost failed: %O', err);
      }
    }
    this.env.ended(this);
  }
}
