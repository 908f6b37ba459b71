// Target-initiated NOP-In (RFC 7143 §11.19): after an idle interval the session pings its
// initiator and drops the connection when no NOP-Out echoes the TTT in time. Any PDU received
// counts as activity (docs/initiators.md explains why the ping exists).
import createDebug from 'debug';
import type { TransportLimits } from '../limits.js';
import type { SequenceNumbers } from '../pdu/bhs.js';
import { encodeNopIn } from '../pdu/nop-in.js';
import { RESERVED_TAG } from '../pdu/opcodes.js';
import type { SessionIo } from './session-io.js';

const log = createDebug('zbc:transport:session');

export interface PingHost {
  readonly io: SessionIo;
  readonly limits: TransportLimits;
  allocateTtt(): number;
  current(): SequenceNumbers;
}

export class NopPing {
  private idleTimer: NodeJS.Timeout | undefined;
  private answerTimer: NodeJS.Timeout | undefined;
  /** The TTT of the ping awaiting its NOP-Out. */
  private awaited: number | undefined;

  constructor(private readonly host: PingHost) {
    if (host.limits.nopIntervalMs <= 0) return;
    this.idleTimer = setTimeout(() => this.onIdle(), host.limits.nopIntervalMs);
    this.idleTimer.unref?.();
  }

  /** A PDU arrived: the idle interval starts again. */
  activity(): void {
    this.idleTimer?.refresh();
  }

  /** A NOP-Out answering a ping with this TTT (an unknown TTT is ignored). */
  answered(ttt: number): void {
    if (ttt !== this.awaited) return;
    this.awaited = undefined;
    if (this.answerTimer) clearTimeout(this.answerTimer);
    this.answerTimer = undefined;
  }

  stop(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (this.answerTimer) clearTimeout(this.answerTimer);
    this.idleTimer = undefined;
    this.answerTimer = undefined;
  }

  private onIdle(): void {
    try {
      this.ping();
    } catch (err) {
      log('ping failed: %O', err);
      this.host.io.fail('internal error');
    }
  }

  private ping(): void {
    const { io, limits } = this.host;
    if (this.awaited === undefined) {
      const ttt = this.host.allocateTtt();
      this.awaited = ttt;
      const lunBytes = Buffer.alloc(8);
      const sn = this.host.current();
      io.send(encodeNopIn({ itt: RESERVED_TAG, ttt, lunBytes, dataSegmentLength: 0, ...sn }));
      this.answerTimer = setTimeout(() => io.fail('NOP-In ping unanswered'), limits.nopTimeoutMs);
      this.answerTimer.unref?.();
    }
    this.idleTimer?.refresh();
  }
}
