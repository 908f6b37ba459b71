// Which delivered task starts next. Tasks are delivered in CmdSN order (RFC 7143 §4.2.2.1) and
// start in that order once their data is in, with one exception SAM-5 allows for SIMPLE tasks
// (the device server may reorder them): a SIMPLE task without Data-Out starts ahead of older
// SIMPLE tasks still receiving theirs when the SCSI target judges it changes none of their
// outcomes (ScsiTarget.mayStartAhead). Writes never pass anything, so writes to one zone keep
// their order; nothing passes an ORDERED, HEAD OF QUEUE, ACA or untagged task, and those never
// pass anything either.
import type { Task } from '../task.js';

/** RFC 7143 §11.3.1 ATTR values (SAM-5 task attributes). */
export const TaskAttribute = {
  UNTAGGED: 0,
  SIMPLE: 1,
  ORDERED: 2,
  HEAD_OF_QUEUE: 3,
  ACA: 4,
} as const;

/** The SCSI side's judgement: may `later` start before the older tasks `earlier`? */
export type StartAheadJudge = (later: Task, earlier: readonly Task[]) => boolean;

/**
 * Index in `queue` (delivered, not started, in CmdSN order) of a task to take off it now: the
 * head when its data is complete or it was terminated, else the first SIMPLE task without
 * Data-Out that `judge` lets pass every older one; -1 when none.
 */
export function nextToStart(queue: readonly Task[], judge: StartAheadJudge | undefined): number {
  const head = queue[0];
  if (head === undefined) return -1;
  if (head.terminated || head.dataComplete) return 0;
  if (judge === undefined) return -1;
  for (let i = 0; i < queue.length; i++) {
    const task = queue[i] as Task;
    if (task.terminated) continue;
    if (task.attr !== TaskAttribute.SIMPLE) return -1;
    if (i === 0 || task.write) continue;
    if (judge(task, queue.slice(0, i))) return i;
  }
  return -1;
}
