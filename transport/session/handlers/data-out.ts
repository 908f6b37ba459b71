// SCSI Data-Out (RFC 7143 §11.7): the task checks the sequence, the scheduler hears of closed
// bursts. A data digest error is answered with a Reject and fails the task (§7.8).
import type { RawPdu } from '../../pdu/framer.js';
import { decodeDataOut } from '../../pdu/data-out.js';
import { RejectReason } from '../../pdu/opcodes.js';
import type { SessionContext } from '../session-context.js';

export function handleDataOut(s: SessionContext, raw: RawPdu): void {
  const pdu = decodeDataOut(raw.bhs);
  const task = s.scheduler.find(pdu.itt);
  // Unknown ITT (e.g. a task just aborted) or data after the data phase: drop silently.
  if (!task || task.state !== 'receiving') return;
  if (raw.dataDigestError) {
    s.reject(RejectReason.DATA_DIGEST_ERROR, raw.bhs);
    task.failure ??= 'protocol-service-crc-error';
  }
  const maxSegment = s.params.targetMaxRecvDataSegmentLength;
  const result = task.acceptDataOut(pdu, raw.data, raw.dataLength, maxSegment);
  if (result === 'burst-closed') s.scheduler.burstClosed(task, pdu.ttt);
}
