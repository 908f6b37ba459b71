// What a session's parts see of each other: the server's side (SessionEnvironment) and what a
// per-PDU handler may use (SessionContext, implemented by Session). The connection's side is
// session-io.ts, a leaf, so the parts that only send do not import this module back.
import type { NexusId, ScsiTarget } from '../../scsi/target-contract.js';
import type { TransportLimits } from '../limits.js';
import type { LoginOutcome } from '../login/login-stages.js';
import type { SessionParams } from '../login/negotiate.js';
import type { SequenceNumbers } from '../pdu/bhs.js';
import type { RawPdu } from '../pdu/framer.js';
import type { RejectReason } from '../pdu/opcodes.js';
import type { RegisteredSession } from '../session-registry.js';
import type { TargetPortalConfig } from '../target-portal-config.js';
import type { Task } from '../task.js';
import type { CommandWindow } from './command-window.js';
import type { NopPing } from './nop-ping.js';
import type { ScsiResponses } from './scsi-responses.js';
import type { TaskScheduler } from './task-scheduler.js';
import type { SessionIo } from './session-io.js';
import type { TextExchange } from './text-exchange.js';

/** A session as the registry and other sessions see it (LU reset, target reset). */
export interface PeerSession extends RegisteredSession {
  terminateTasks(match: (task: Task) => boolean): void;
}

export interface SessionEnvironment {
  readonly limits: TransportLimits;
  targets(): readonly TargetPortalConfig[];
  /** Other live sessions of a target (LU reset, target reset). */
  sessionsOfTarget(targetName: string): readonly PeerSession[];
  /** The session ended: forget it (registry). */
  ended(session: PeerSession): void;
}

/** What the per-PDU handlers (handlers/*.ts) use of their session. */
export interface SessionContext extends PeerSession {
  readonly io: SessionIo;
  readonly env: SessionEnvironment;
  readonly params: SessionParams;
  readonly kind: LoginOutcome['kind'];
  readonly initiatorName: string;
  readonly targetName: string | undefined;
  /** The target of a normal session (SendTargets shows its own first). */
  readonly target: TargetPortalConfig | undefined;
  /** Present in a normal session only, as is `nexus`. */
  readonly scsi: ScsiTarget | undefined;
  readonly nexus: NexusId | undefined;
  readonly window: CommandWindow;
  readonly scheduler: TaskScheduler;
  readonly responses: ScsiResponses;
  readonly text: TextExchange;
  readonly ping: NopPing;
  /** An Async logout request went out: new SCSI commands are refused. */
  readonly logoutRequested: boolean;
  readonly ended: boolean;
  /** Numbers for a PDU that advances StatSN. */
  advancing(): SequenceNumbers;
  /** Numbers for a PDU that carries the next StatSN unadvanced (R2T, target NOP-In, Data-In). */
  current(): SequenceNumbers;
  reject(reason: RejectReason, bhs: Buffer): void;
  /** A target transfer tag unique on this connection (never 0xffffffff). */
  allocateTtt(): number;
  /** Runs a callback outside the socket handler (promise, timer, drain): a bug closes only us. */
  guard(fn: () => void): void;
  end(): void;
}

/** One handler per initiator opcode (RFC 7143 §11): never throws for peer input. */
export type PduHandler = (session: SessionContext, raw: RawPdu) => void;
