// Task management (RFC 7143 §11.5–§11.6, SAM-5 §7): the transport terminates
// the affected tasks silently, then asks the SCSI side for its effects, then answers. Responses
// already produced for unaffected tasks have been written before the TMF response, because
// responses go out as they are produced on our one connection.
import {
  type NexusId,
  type ScsiTarget,
  TaskManagementFunction,
  TaskManagementResult,
} from '../scsi/target-contract.js';
import { TmfResponse } from './pdu/tmf-response.js';
import type { TmfRequestPdu } from './pdu/tmf-request.js';
import type { Task } from './task.js';

const TASK_REASSIGN = 8;

/** What task management needs from its session. */
export interface TmfHost {
  readonly scsi: ScsiTarget;
  readonly nexus: NexusId;
  findTask(itt: number): Task | undefined;
  /** RefCmdSN names a command still in flight to us (in the window, below the TMF's CmdSN). */
  commandStillArriving(refCmdSN: number, tmfCmdSN: number): boolean;
  /** Drop this command (consume its CmdSN silently) if it arrives later. */
  discardWhenArrives(cmdSN: number): void;
  /** Terminates this session's tasks that match, without responses. */
  terminateOwnTasks(match: (task: Task) => boolean): void;
  /** Terminates the tasks of the target's other sessions (on one LU, or all LUs when undefined). */
  terminateOtherSessionsTasks(lun: number | undefined): void;
}

const RESULT_TO_RESPONSE: Record<TaskManagementResult, TmfResponse> = {
  [TaskManagementResult.COMPLETE]: TmfResponse.COMPLETE,
  [TaskManagementResult.NO_SUCH_LUN]: TmfResponse.LUN_DOES_NOT_EXIST,
  [TaskManagementResult.NOT_SUPPORTED]: TmfResponse.NOT_SUPPORTED,
};

/** Functions addressed to one LU, which answer 2 when the LUN does not exist. */
const LU_SCOPED: ReadonlySet<number> = new Set([
  TaskManagementFunction.ABORT_TASK,
  TaskManagementFunction.ABORT_TASK_SET,
  TaskManagementFunction.CLEAR_ACA,
  TaskManagementFunction.CLEAR_TASK_SET,
  TaskManagementFunction.LOGICAL_UNIT_RESET,
]);

const KNOWN: ReadonlySet<number> = new Set(Object.values(TaskManagementFunction));

/** Runs one TMF; resolves to the response code and whether to close the target's sessions after. */
export async function runTaskManagement(
  host: TmfHost,
  req: TmfRequestPdu,
): Promise<{ response: TmfResponse; thenCloseAll: boolean }> {
  const done = (response: TmfResponse, thenCloseAll = false) => ({ response, thenCloseAll });
  if (req.fn === TASK_REASSIGN) return done(TmfResponse.REASSIGNMENT_NOT_SUPPORTED);
  if (!KNOWN.has(req.fn)) return done(TmfResponse.NOT_SUPPORTED);
  const fn = req.fn as TaskManagementFunction;
  if (LU_SCOPED.has(fn) && !host.scsi.luns().some((l) => l.lun === req.lun)) {
    return done(TmfResponse.LUN_DOES_NOT_EXIST);
  }
  switch (fn) {
    case TaskManagementFunction.ABORT_TASK: {
      const task = host.findTask(req.referencedTaskTag);
      if (task && task.lun === req.lun) {
        host.terminateOwnTasks((t) => t === task);
      } else if (host.commandStillArriving(req.refCmdSN, req.cmdSN)) {
        // RFC 7143 §11.5.1: not received yet but in flight: answer "complete" and drop it on arrival.
        host.discardWhenArrives(req.refCmdSN);
      } else {
        return done(TmfResponse.TASK_DOES_NOT_EXIST);
      }
      break;
    }
    case TaskManagementFunction.ABORT_TASK_SET:
      host.terminateOwnTasks((t) => t.lun === req.lun);
      break;
    case TaskManagementFunction.CLEAR_TASK_SET:
    case TaskManagementFunction.LOGICAL_UNIT_RESET:
      host.terminateOwnTasks((t) => t.lun === req.lun);
      host.terminateOtherSessionsTasks(req.lun);
      break;
    case TaskManagementFunction.TARGET_WARM_RESET:
    case TaskManagementFunction.TARGET_COLD_RESET:
      host.terminateOwnTasks(() => true);
      host.terminateOtherSessionsTasks(undefined);
      break;
    case TaskManagementFunction.CLEAR_ACA:
      break;
  }
  const result = await host.scsi.taskManagement({ nexus: host.nexus, fn, lun: req.lun });
  const response = RESULT_TO_RESPONSE[result];
  return done(
    response,
    fn === TaskManagementFunction.TARGET_COLD_RESET && response === TmfResponse.COMPLETE,
  );
}
