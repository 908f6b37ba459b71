// The end of a SCSI task on the wire: Data-In (phase-collapsed when allowed), SCSI Response with
// residuals (RFC 7143 §11.4, §11.7), status-only answers (TASK SET FULL) and target failures.
import { type ScsiOutcome, ScsiStatus } from '../../scsi/target-contract.js';
import type { SessionParams } from '../login/negotiate.js';
import { type DataInStatus, encodeDataIn } from '../pdu/data-in.js';
import {
  encodeScsiResponse,
  ISCSI_RESPONSE_COMPLETED,
  ISCSI_RESPONSE_TARGET_FAILURE,
  NO_RESIDUAL,
  residualOf,
  senseSegment,
} from '../pdu/scsi-response.js';
import { cutDataIn, type Task } from '../task.js';
import type { CommandWindow } from './command-window.js';
import type { SessionIo } from './session-io.js';

const NO_SENSE: readonly Buffer[] = Object.freeze([]);

export class ScsiResponses {
  constructor(
    private readonly io: SessionIo,
    private readonly window: CommandWindow,
    private readonly params: SessionParams,
  ) {}

  /** A response with a status and nothing else (TASK SET FULL before the task exists). */
  statusOnly(itt: number, status: ScsiStatus): void {
    this.sendResponse(itt, ISCSI_RESPONSE_COMPLETED, status, 0);
  }

  /** The SCSI layer failed (a bug there): iSCSI response 01h, no status. */
  targetFailure(task: Task): void {
    this.sendResponse(task.itt, ISCSI_RESPONSE_TARGET_FAILURE, 0, 0);
  }

  /** The outcome of a task: Data-In (phase-collapsed when allowed) and/or SCSI Response. */
  complete(task: Task, outcome: ScsiOutcome): void {
    const edtl = task.expectedDataLength;
    const dataIn = outcome.dataIn;
    let spdtl: number;
    if (task.read) spdtl = dataIn?.length ?? 0;
    else if (task.write) spdtl = outcome.dataOutLength ?? edtl;
    else spdtl = dataIn?.length ?? outcome.dataOutLength ?? 0;
    const residual = residualOf(edtl, spdtl);
    const collapsible =
      outcome.status === ScsiStatus.GOOD || outcome.status === ScsiStatus.CONDITION_MET;
    if (task.read && dataIn && dataIn.length > 0 && edtl > 0) {
      const payload = dataIn.length > edtl ? dataIn.subarray(0, edtl) : dataIn;
      const status: DataInStatus | undefined = collapsible
        ? { code: outcome.status, residual }
        : undefined;
      const maxSegment = this.params.initiatorMaxRecvDataSegmentLength;
      const maxBurst = this.params.maxBurstLength;
      // A pooled READ buffer goes back once the socket has written its last Data-In.
      const release = outcome.dataInWritten;
      if (payload.length <= maxSegment && payload.length <= maxBurst) {
        // One PDU carries it all (a small READ): no cutting.
        this.sendDataIn(task, payload, 0, 0, true, status, release);
      } else {
        for (const piece of cutDataIn(payload, maxSegment, maxBurst)) {
          const last = piece.last ? status : undefined;
          const written = piece.last ? release : undefined;
          this.sendDataIn(task, piece.data, piece.offset, piece.dataSN, piece.final, last, written);
        }
      }
      if (collapsible) return;
    }
    // Most responses (every WRITE) carry no sense: no segment list, no length sum for them.
    const senseBytes = outcome.sense;
    const hasSense = senseBytes !== undefined && senseBytes.length > 0;
    const sense = hasSense ? senseSegment(senseBytes) : NO_SENSE;
    const senseLength = hasSense ? 2 + senseBytes.length : 0; // SenseLength field + sense
    this.io.send(
      encodeScsiResponse({
        itt: task.itt,
        response: ISCSI_RESPONSE_COMPLETED,
        status: outcome.status,
        residual,
        expDataSN: task.dataInSent,
        dataSegmentLength: senseLength,
        statSN: this.io.takeStatSN(),
        expCmdSN: this.window.expected,
        maxCmdSN: this.window.max,
      }),
      sense,
    );
  }

  private sendResponse(itt: number, response: number, status: number, expDataSN: number): void {
    this.io.send(
      encodeScsiResponse({
        itt,
        response,
        status,
        residual: NO_RESIDUAL,
        expDataSN,
        dataSegmentLength: 0,
        statSN: this.io.takeStatSN(),
        expCmdSN: this.window.expected,
        maxCmdSN: this.window.max,
      }),
    );
  }

  /** One Data-In PDU; with `status` it is the task's last and carries the status (S=1). */
  private sendDataIn(
    task: Task,
    data: Buffer,
    offset: number,
    dataSN: number,
    final: boolean,
    status: DataInStatus | undefined,
    written?: () => void,
  ): void {
    // Only a PDU with status advances StatSN (RFC 7143 §11.7.8).
    const statSN = status ? this.io.takeStatSN() : this.io.peekStatSN();
    const header = encodeDataIn({
      itt: task.itt,
      lun: task.lun,
      final,
      dataSN,
      bufferOffset: offset,
      dataSegmentLength: data.length,
      expCmdSN: this.window.expected,
      maxCmdSN: this.window.max,
      statSN,
      status,
    });
    this.io.send(header, [data], written);
    task.dataInSent++;
  }
}
