// The CmdSN window of one session (RFC 7143 §4.2.2.1): ExpCmdSN and MaxCmdSN, early arrivals held
// until the gap below them fills, delivery in CmdSN order, and CmdSNs to consume silently.
import createDebug from 'debug';
import { serialAdd, serialInRange, serialLt } from '../serial.js';

const log = createDebug('zbc:transport:session');

export class CommandWindow {
  private expCmdSN: number;
  /** Delivered non-immediate SCSI tasks not yet completed (they hold window slots). */
  private inFlight = 0;
  /** Early arrivals inside the window, waiting for the gap below them. */
  private readonly held = new Map<number, () => void>();
  /** CmdSNs of commands aborted before they arrived (ABORT TASK by RefCmdSN). */
  private readonly discarded = new Set<number>();
  private closed = false;

  constructor(
    firstCmdSN: number,
    private readonly queueDepth: number,
  ) {
    this.expCmdSN = firstCmdSN;
  }

  get expected(): number {
    return this.expCmdSN;
  }

  get max(): number {
    return serialAdd(this.expCmdSN, this.queueDepth - 1 - this.inFlight);
  }

  /** In the window and not a duplicate of a held command. */
  accepts(cmdSN: number): boolean {
    return serialInRange(cmdSN, this.expCmdSN, this.max) && !this.held.has(cmdSN);
  }

  /**
   * The usual case, the next CmdSN with nothing held: consumes it and says so, so the caller can
   * deliver at once, without the closure order() needs.
   */
  takeNext(cmdSN: number): boolean {
    if (cmdSN !== this.expCmdSN || this.held.size !== 0) return false;
    this.expCmdSN = serialAdd(this.expCmdSN, 1);
    return true;
  }

  /**
   * Non-immediate PDUs: outside the window or duplicate -> discarded silently (no Reject, the
   * connection stays); early ones wait for the gap; delivery is in CmdSN order.
   */
  order(cmdSN: number, deliver: () => void): boolean {
    if (!this.accepts(cmdSN)) {
      log('CmdSN %d outside [%d, %d] or duplicate: discarded', cmdSN, this.expCmdSN, this.max);
      return false;
    }
    this.held.set(cmdSN, deliver);
    while (!this.closed) {
      const next = this.held.get(this.expCmdSN);
      if (!next) break;
      this.held.delete(this.expCmdSN);
      this.expCmdSN = serialAdd(this.expCmdSN, 1);
      next();
    }
    return true;
  }

  /** A delivered non-immediate task takes a slot (MaxCmdSN shrinks) until it completes. */
  occupy(): void {
    this.inFlight++;
  }

  vacate(): void {
    this.inFlight--;
  }

  /** RefCmdSN names a command still in flight to us (in the window, below the TMF's CmdSN). */
  stillArriving(refCmdSN: number, tmfCmdSN: number): boolean {
    return serialInRange(refCmdSN, this.expCmdSN, this.max) && serialLt(refCmdSN, tmfCmdSN);
  }

  discardWhenArrives(cmdSN: number): void {
    this.discarded.add(cmdSN);
  }

  /** True once for a CmdSN marked by discardWhenArrives. */
  takeDiscarded(cmdSN: number): boolean {
    return this.discarded.delete(cmdSN);
  }

  /** Session end: held commands are dropped and none is delivered any more. */
  close(): void {
    this.closed = true;
    this.held.clear();
  }
}
