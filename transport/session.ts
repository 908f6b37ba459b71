// One iSCSI session in full feature phase (ERL 0, one connection). This file composes its parts
// and owns its life: the CmdSN window (session/command-window.ts), the tasks and their R2T bursts
// (session/task-scheduler.ts), SCSI responses (session/scsi-responses.ts), the target's NOP-In
// ping (session/nop-ping.ts), and one handler per initiator PDU (session/handlers/*.ts). It also
// numbers StatSN-carrying PDUs (RFC 7143 §4.2.2.2), Rejects (§11.17) and Async logout (§11.9).
import createDebug from 'debug';
import type { NexusId, ScsiTarget } from '../scsi/target-contract.js';
import type { LoginOutcome } from './login/login-stages.js';
import type { SessionParams } from './login/negotiate.js';
import { AsyncEvent, encodeAsyncMessage } from './pdu/async-message.js';
import type { SequenceNumbers } from './pdu/bhs.js';
import type { RawPdu } from './pdu/framer.js';
import { InitiatorOpcode, RejectReason } from './pdu/opcodes.js';
import { encodeReject } from './pdu/reject.js';
import type { RegisteredSession } from './session-registry.js';
import { CommandWindow } from './session/command-window.js';
import { handleDataOut } from './session/handlers/data-out.js';
import { handleLogout } from './session/handlers/logout.js';
import { handleNopOut } from './session/handlers/nop-out.js';
import { handleScsiCommand } from './session/handlers/scsi-command.js';
import { handleTaskManagement } from './session/handlers/task-management.js';
import { handleText } from './session/handlers/text.js';
import { NopPing } from './session/nop-ping.js';
import { ScsiResponses } from './session/scsi-responses.js';
import type { PduHandler, SessionContext, SessionEnvironment } from './session/session-context.js';
import type { SessionIo } from './session/session-io.js';
import { TaskScheduler } from './session/task-scheduler.js';
import { TextExchange } from './session/text-exchange.js';
import type { TargetPortalConfig } from './target-portal-config.js';
import type { Task } from './task.js';

export type { SessionEnvironment } from './session/session-context.js';
export type { SessionIo } from './session/session-io.js';

const log = createDebug('zbc:transport:session');

export function nexusKey(initiatorName: string, isid: string, targetName: string): string {
  return `${initiatorName},i,0x${isid},${targetName},t,0x0001`;
}

const refuse: PduHandler = (s, raw) => s.reject(RejectReason.PROTOCOL_ERROR, raw.bhs);

const COMMON_HANDLERS: readonly [number, PduHandler][] = [
  [InitiatorOpcode.NOP_OUT, handleNopOut],
  [InitiatorOpcode.TEXT_REQUEST, handleText],
  [InitiatorOpcode.LOGOUT_REQUEST, handleLogout],
  [InitiatorOpcode.LOGIN_REQUEST, refuse],
  [InitiatorOpcode.SNACK_REQUEST, refuse],
];
const SCSI_HANDLERS: readonly [number, PduHandler][] = [
  [InitiatorOpcode.SCSI_COMMAND, handleScsiCommand],
  [InitiatorOpcode.SCSI_DATA_OUT, handleDataOut],
  [InitiatorOpcode.TASK_MANAGEMENT_REQUEST, handleTaskManagement],
];
const NORMAL_HANDLERS: ReadonlyMap<number, PduHandler> = new Map([
  ...COMMON_HANDLERS,
  ...SCSI_HANDLERS,
]);
/** Discovery sessions: only Text, Logout (and NOP) are legal (RFC 7143 §4.3). */
const DISCOVERY_HANDLERS: ReadonlyMap<number, PduHandler> = new Map([
  ...COMMON_HANDLERS,
  ...SCSI_HANDLERS.map(([opcode]): [number, PduHandler] => [opcode, refuse]),
]);

export class Session implements RegisteredSession, SessionContext {
  readonly tsih: number;
  readonly initiatorName: string;
  readonly isid: string;
  readonly targetName: string | undefined;
  readonly kind: LoginOutcome['kind'];
  readonly params: SessionParams;
  readonly nexus: NexusId | undefined;
  readonly scsi: ScsiTarget | undefined;
  readonly target: TargetPortalConfig | undefined;
  readonly window: CommandWindow;
  readonly responses: ScsiResponses;
  readonly scheduler: TaskScheduler;
  readonly text = new TextExchange();
  readonly ping: NopPing;
  private nextTtt = 1;
  private logoutRequestedValue = false;
  private endedValue = false;
  private readonly handlers: ReadonlyMap<number, PduHandler>;

  constructor(
    readonly io: SessionIo,
    readonly env: SessionEnvironment,
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
    this.nexus =
      this.targetName === undefined
        ? undefined
        : {
            initiatorName: this.initiatorName,
            isid: this.isid,
            targetName: this.targetName,
            key: nexusKey(this.initiatorName, this.isid, this.targetName),
          };
    this.window = new CommandWindow(outcome.cmdSN, env.limits.queueDepth);
    this.responses = new ScsiResponses(io, this.window, this.params);
    this.scheduler = new TaskScheduler({
      io,
      limits: env.limits,
      params: this.params,
      window: this.window,
      responses: this.responses,
      scsi: this.scsi,
      nexus: this.nexus,
      allocateTtt: () => this.allocateTtt(),
      current: () => this.current(),
      guard: (fn) => this.guard(fn),
    });
    this.ping = new NopPing({
      io,
      limits: env.limits,
      allocateTtt: () => this.allocateTtt(),
      current: () => this.current(),
    });
    this.handlers = this.scsi ? NORMAL_HANDLERS : DISCOVERY_HANDLERS;
    if (this.scsi && this.nexus) this.scsi.nexusCreated(this.nexus);
  }

  get logoutRequested(): boolean {
    return this.logoutRequestedValue;
  }

  get ended(): boolean {
    return this.endedValue;
  }

  // ---- sequence numbers -------------------------------------------------------------------

  /** Numbers for a PDU that advances StatSN. */
  advancing(): SequenceNumbers {
    const statSN = this.io.takeStatSN();
    return { statSN, expCmdSN: this.window.expected, maxCmdSN: this.window.max };
  }

  /** Numbers for a PDU that carries the next StatSN unadvanced (R2T, target NOP-In, Data-In). */
  current(): SequenceNumbers {
    const statSN = this.io.peekStatSN();
    return { statSN, expCmdSN: this.window.expected, maxCmdSN: this.window.max };
  }

  /** A target transfer tag unique on this connection (never 0xffffffff). */
  allocateTtt(): number {
    const ttt = this.nextTtt;
    this.nextTtt = this.nextTtt >= 0xfffffffe ? 1 : this.nextTtt + 1;
    return ttt;
  }

  // ---- dispatch -----------------------------------------------------------------------------

  /** One PDU from the connection (FFP). Never throws for peer input. */
  handle(raw: RawPdu): void {
    if (this.endedValue) return;
    this.ping.activity();
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
    handler(this, raw);
  }

  reject(reason: RejectReason, bhs: Buffer): void {
    if (log.enabled) log('reject 0x%s', reason.toString(16));
    this.io.send(encodeReject({ reason, ...this.advancing() }), [bhs]);
  }

  /** Runs a callback outside the socket handler (promise, timer, drain): a bug closes only us. */
  guard(fn: () => void): void {
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
    this.scheduler.terminate(match);
  }

  /** Async Message event 1 (RFC 7143 §11.9.1): please log out within `seconds`. */
  requestLogout(seconds: number): void {
    if (this.endedValue || this.logoutRequestedValue) return;
    this.logoutRequestedValue = true;
    const event = AsyncEvent.LOGOUT_REQUESTED;
    this.io.send(encodeAsyncMessage({ event, parameter3: seconds, ...this.advancing() }));
  }

  /** Ends the session now (reinstatement, cold reset, server stop): the connection closes. */
  terminate(reason: string): void {
    this.io.fail(reason);
  }

  /** Session teardown, once: tasks terminated silently, nexus loss reported, registry told. */
  end(): void {
    if (this.endedValue) return;
    this.scheduler.terminate(() => true);
    this.endedValue = true;
    this.scheduler.stop();
    this.window.close();
    this.ping.stop();
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
