// The SCSI tasks of one session: which exist, which may start (CmdSN order once their data is
// complete, with the exceptions of start-order.ts), and the R2T bursts that fetch their data
// (RFC 7143 §11.8). It alone opens bursts, counts the open ones and owns their Data-Out
// deadlines; Task checks the data that fills them.
import createDebug from 'debug';
import type { NexusId, ScsiOutcome, ScsiTarget } from '../../scsi/target-contract.js';
import { MAX_OPEN_R2T_BURSTS, type TransportLimits } from '../limits.js';
import type { SessionParams } from '../login/negotiate.js';
import type { SequenceNumbers } from '../pdu/bhs.js';
import { encodeR2t } from '../pdu/r2t.js';
import { type Task, TaskCommand } from '../task.js';
import type { CommandWindow } from './command-window.js';
import type { ScsiResponses } from './scsi-responses.js';
import type { SessionIo } from './session-io.js';
import { nextToStart, type StartAheadJudge } from './start-order.js';

const log = createDebug('zbc:transport:session');

/** An R2T sent and not yet answered by its F-bit Data-Out, with its deadline. */
interface OpenBurst {
  readonly task: Task;
  readonly timer: NodeJS.Timeout;
}

/** What the scheduler needs from its session besides the connection. */
export interface SchedulerHost {
  readonly io: SessionIo;
  readonly limits: TransportLimits;
  readonly params: SessionParams;
  readonly window: CommandWindow;
  readonly responses: ScsiResponses;
  readonly scsi: ScsiTarget | undefined;
  readonly nexus: NexusId | undefined;
  allocateTtt(): number;
  current(): SequenceNumbers;
  guard(fn: () => void): void;
}

export class TaskScheduler {
  private readonly tasks = new Map<number, Task>();
  /** Delivered tasks not started, in CmdSN order; start-order.ts picks the next to start. */
  private readonly execQueue: Task[] = [];
  private pendingImmediate = 0;
  /** Tasks waiting for R2Ts, in arrival order. */
  private readonly r2tWaiters: Task[] = [];
  /** Open R2T bursts by TTT: their count is the session's, their timers the Data-Out deadlines. */
  private readonly openBursts = new Map<number, OpenBurst>();
  private waitingForDrain = false;
  private stopped = false;

  /** The SCSI target's reordering judgement (start-order.ts), when it has one. */
  private readonly judge: StartAheadJudge | undefined;

  constructor(private readonly host: SchedulerHost) {
    const { scsi, nexus } = host;
    if (scsi?.mayStartAhead !== undefined && nexus !== undefined) {
      this.judge = (later, earlier) => scsi.mayStartAhead?.(nexus, later, earlier) ?? false;
    }
  }

  get size(): number {
    return this.tasks.size;
  }

  get immediateCount(): number {
    return this.pendingImmediate;
  }

  find(itt: number): Task | undefined {
    return this.tasks.get(itt);
  }

  /** A new task: known by its ITT from now on; an immediate one may start once its data is in. */
  add(task: Task): void {
    this.tasks.set(task.itt, task);
    if (task.immediate) {
      this.pendingImmediate++;
      task.ordered = true;
    }
  }

  /** A non-immediate task whose CmdSN came up: it takes a window slot and waits its turn. */
  enqueue(task: Task): void {
    if (task.terminated) return;
    task.ordered = true;
    this.host.window.occupy();
    this.execQueue.push(task);
  }

  /** Queues the task for R2Ts if it needs data, then issues what the limits allow. */
  requestData(task: Task): void {
    if (task.needsR2T && !this.r2tWaiters.includes(task)) this.r2tWaiters.push(task);
    this.issueR2Ts();
  }

  /** A Data-Out closed a burst (F=1): its deadline ends; more R2Ts or the task may follow. */
  burstClosed(task: Task, ttt: number): void {
    const open = this.openBursts.get(ttt);
    if (open) {
      clearTimeout(open.timer);
      this.openBursts.delete(ttt);
    }
    this.requestData(task);
    this.progress(task);
  }

  /** Starts what can start: the head of the ordered queue, or a ready immediate task. */
  progress(task: Task | undefined): void {
    if (task?.immediate && task.state === 'receiving' && task.dataComplete && !task.terminated) {
      this.start(task);
    }
    this.pump();
  }

  /** Terminates matching tasks without any response (TMF, logout, session end). */
  terminate(match: (task: Task) => boolean): void {
    for (const task of [...this.tasks.values()]) {
      if (!match(task)) continue;
      task.terminate();
      this.release(task);
    }
    this.issueR2Ts();
    this.pump();
  }

  /** Session end: nothing starts or is requested any more. */
  stop(): void {
    this.stopped = true;
  }

  /** R2Ts in task order, at most MaxOutstandingR2T per task and MAX_OPEN_R2T_BURSTS per session. */
  private issueR2Ts(): void {
    const { io, params } = this.host;
    let i = 0;
    const waiters = this.r2tWaiters;
    while (i < waiters.length && this.openBursts.size < MAX_OPEN_R2T_BURSTS && !this.stopped) {
      const task = waiters[i] as Task;
      if (!task.needsR2T || task.terminated) {
        waiters.splice(i, 1);
        continue;
      }
      if (this.openBurstsOf(task) >= params.maxOutstandingR2T) {
        i++;
        continue;
      }
      const burst = task.openBurst(this.host.allocateTtt(), params.maxBurstLength);
      const deadline = this.host.limits.dataOutTimeoutMs;
      const timer = setTimeout(() => io.fail('no Data-Out after R2T'), deadline);
      timer.unref?.();
      this.openBursts.set(burst.ttt, { task, timer });
      io.send(
        encodeR2t({
          itt: task.itt,
          lun: task.lun,
          ttt: burst.ttt,
          r2tSN: burst.r2tSN,
          bufferOffset: burst.offset,
          desiredLength: burst.length,
          ...this.host.current(),
        }),
      );
    }
  }

  /** At most MAX_OPEN_R2T_BURSTS entries: a scan is cheaper than a second count to keep right. */
  private openBurstsOf(task: Task): number {
    let n = 0;
    for (const open of this.openBursts.values()) if (open.task === task) n++;
    return n;
  }

  private pump(): void {
    const { io } = this.host;
    while (this.execQueue.length > 0 && !this.stopped) {
      if (io.congested) {
        if (!this.waitingForDrain) {
          this.waitingForDrain = true;
          io.whenDrained(() =>
            this.host.guard(() => {
              this.waitingForDrain = false;
              this.pump();
            }),
          );
        }
        return;
      }
      const next = nextToStart(this.execQueue, this.judge);
      if (next < 0) return;
      const queue = this.execQueue;
      const task = (next === 0 ? queue.shift() : queue.splice(next, 1)[0]) as Task;
      if (!task.terminated) this.start(task);
    }
  }

  private start(task: Task): void {
    task.state = 'executing';
    const scsi = this.host.scsi as ScsiTarget;
    if (task.failure !== undefined) {
      this.finish(task, scsi.checkCondition(task.lun, task.failure));
      return;
    }
    let result: Promise<ScsiOutcome>;
    try {
      result = scsi.execute(new TaskCommand(this.host.nexus as NexusId, task));
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
      this.host.io.fail('internal error');
    }
  }

  private finish(task: Task, outcome: ScsiOutcome | undefined): void {
    if (task.terminated || this.stopped || task.state === 'done') return;
    task.state = 'done';
    this.release(task);
    this.issueR2Ts();
    if (outcome) this.host.responses.complete(task, outcome);
    else this.host.responses.targetFailure(task);
    this.pump();
  }

  /** Forgets the task: its window slot or immediate count, its open bursts and their timers. */
  private release(task: Task): void {
    this.tasks.delete(task.itt);
    for (const [ttt, open] of this.openBursts) {
      if (open.task !== task) continue;
      clearTimeout(open.timer);
      this.openBursts.delete(ttt);
    }
    const waiting = this.r2tWaiters.indexOf(task);
    if (waiting >= 0) this.r2tWaiters.splice(waiting, 1);
    if (task.immediate) this.pendingImmediate--;
    else if (task.ordered) this.host.window.vacate();
  }
}
