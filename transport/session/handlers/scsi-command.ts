// SCSI Command (RFC 7143 §11.3): checks, the CmdSN window, TASK SET FULL, then a Task the
// scheduler feeds with data and starts in order.
import createDebug from 'debug';
import { ScsiStatus } from '../../../scsi/target-contract.js';
import { MAX_PENDING_IMMEDIATE } from '../../limits.js';
import type { SessionParams } from '../../login/negotiate.js';
import type { RawPdu } from '../../pdu/framer.js';
import { RejectReason, RESERVED_TAG } from '../../pdu/opcodes.js';
import { decodeScsiCommand, type ScsiCommandPdu } from '../../pdu/scsi-command.js';
import { Task } from '../../task.js';
import type { SessionContext } from '../session-context.js';

const log = createDebug('zbc:transport:session');

export function handleScsiCommand(s: SessionContext, raw: RawPdu): void {
  const pdu = decodeScsiCommand(raw.bhs, raw.ahs);
  if (s.logoutRequested) return s.reject(RejectReason.WAITING_FOR_LOGOUT, raw.bhs);
  if (pdu.ahsProblem !== undefined || (pdu.read && pdu.write) || pdu.itt === RESERVED_TAG) {
    return s.reject(RejectReason.INVALID_PDU_FIELD, raw.bhs);
  }
  if (pdu.expectedDataLength !== 0 && !pdu.read && !pdu.write) {
    return s.reject(RejectReason.INVALID_PDU_FIELD, raw.bhs);
  }
  if (!immediateDataAllowed(s.params, pdu, raw.dataLength)) {
    return s.reject(RejectReason.PROTOCOL_ERROR, raw.bhs);
  }
  const { window, scheduler } = s;
  if (pdu.immediate) {
    if (scheduler.immediateCount >= MAX_PENDING_IMMEDIATE) {
      return s.reject(RejectReason.IMMEDIATE_COMMAND_REJECT, raw.bhs);
    }
  } else if (!window.accepts(pdu.cmdSN)) {
    const { expected, max } = window;
    log('SCSI command CmdSN %d outside [%d, %d] or duplicate: discarded', pdu.cmdSN, expected, max);
    return;
  }
  if (scheduler.find(pdu.itt)) return s.reject(RejectReason.TASK_IN_PROGRESS, raw.bhs);
  if (!pdu.immediate && window.takeDiscarded(pdu.cmdSN)) {
    // Aborted before it arrived (ABORT TASK by RefCmdSN): consume the CmdSN, nothing else.
    window.order(pdu.cmdSN, () => {});
    return;
  }
  if (scheduler.size >= s.env.limits.maxTasksPerSession) {
    // SAM-5 §5.3.4: TASK SET FULL; a non-immediate command still consumes its CmdSN.
    const full = () => s.responses.statusOnly(pdu.itt, ScsiStatus.TASK_SET_FULL);
    if (pdu.immediate) full();
    else window.order(pdu.cmdSN, full);
    return;
  }
  const task = new Task(pdu, raw.data, raw.dataLength, s.params);
  scheduler.add(task);
  if (pdu.immediate) {
    // Runs outside the window, as soon as its data is in.
  } else if (window.takeNext(pdu.cmdSN)) {
    scheduler.enqueue(task);
  } else {
    window.order(pdu.cmdSN, () => scheduler.enqueue(task));
  }
  scheduler.requestData(task);
  scheduler.progress(task);
}

/** RFC 7143 §11.3.4: immediate data rules. */
function immediateDataAllowed(params: SessionParams, pdu: ScsiCommandPdu, length: number): boolean {
  if (!pdu.final && (!pdu.write || params.initialR2T)) return false;
  if (length === 0) return true;
  if (!pdu.write || !params.immediateData) return false;
  const cap = Math.min(
    params.targetMaxRecvDataSegmentLength,
    params.firstBurstLength,
    pdu.expectedDataLength,
  );
  if (length > cap) return false;
  return !(length === pdu.expectedDataLength && !pdu.final);
}
