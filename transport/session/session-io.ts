// What a session and its parts need from their connection (SessionIo). A leaf: the parts that
// only send (NOP ping, responses, the task scheduler) import it, not session-context.ts.
import type { Portal } from '../discovery.js';

/** What a session needs from its connection. */
export interface SessionIo {
  /** Queues one PDU; `written` runs once the socket has handed all of it to the kernel (or failed). */
  send(header: Buffer, data?: readonly Buffer[], written?: () => void): void;
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
