// The only scsi/ module that transport/ imports: a CDB plus data in, an outcome out.
// Transport computes iSCSI residuals from `dataIn.length` versus the initiator's
// expected length; SCSI has already cut data to the CDB's allocation length.

/** SAM-5 status codes. */
export const ScsiStatus = {
  GOOD: 0x00,
  CHECK_CONDITION: 0x02,
  CONDITION_MET: 0x04,
  BUSY: 0x08,
  RESERVATION_CONFLICT: 0x18,
  TASK_SET_FULL: 0x28,
  ACA_ACTIVE: 0x30,
  TASK_ABORTED: 0x40,
} as const;
export type ScsiStatus = (typeof ScsiStatus)[keyof typeof ScsiStatus];

/** Identifies an I_T nexus: one iSCSI session (initiator name + ISID, target name + TPGT). */
export interface NexusId {
  readonly initiatorName: string;
  /** ISID as 12 hex digits. */
  readonly isid: string;
  readonly targetName: string;
  /** Stable per-session key, unique among live sessions. */
  readonly key: string;
}

export interface ScsiCommand {
  readonly nexus: NexusId;
  readonly lun: number;
  /** Task tag (iSCSI ITT); lets task management name the command. */
  readonly tag: number;
  /** Bytes the initiator expects to move (iSCSI EDTL). */
  readonly expectedDataLength: number;
  /** View of the CDB, valid until the outcome settles. */
  readonly cdb: Buffer;
  /** Data-Out segments as received, in offset order, never concatenated. Empty for reads. */
  readonly dataOut: readonly Buffer[];
  /** Set when the transport aborts the task; handlers may stop early. */
  readonly signal?: AbortSignal;
}

export interface ScsiOutcome {
  readonly status: ScsiStatus;
  /** Data-In, already cut to the allocation length (SPDTL). */
  readonly dataIn?: Buffer;
  /** Encoded sense data (fixed or descriptor format) for CHECK CONDITION. */
  readonly sense?: Buffer;
  /**
   * For commands with a data-out phase: the bytes the CDB asks for (SPDTL, e.g. transfer length x
   * block size), so the transport can report over/underflow residuals against its EDTL.
   */
  readonly dataOutLength?: number;
  /**
   * Called by the transport once it has handed all of `dataIn` to the socket and uses it no more
   * (or dropped it): the buffer may then serve another command (a pooled READ buffer).
   */
  readonly dataInWritten?: () => void;
}

/** Task management functions (SAM-5), numbered as in iSCSI (RFC 7143 §11.5.1). */
export const TaskManagementFunction = {
  ABORT_TASK: 1,
  ABORT_TASK_SET: 2,
  CLEAR_ACA: 3,
  CLEAR_TASK_SET: 4,
  LOGICAL_UNIT_RESET: 5,
  TARGET_WARM_RESET: 6,
  TARGET_COLD_RESET: 7,
} as const;
export type TaskManagementFunction =
  (typeof TaskManagementFunction)[keyof typeof TaskManagementFunction];

export interface TaskManagementRequest {
  readonly nexus: NexusId;
  readonly fn: TaskManagementFunction;
  readonly lun: number;
}

export const TaskManagementResult = {
  COMPLETE: 'complete',
  NO_SUCH_LUN: 'no-such-lun',
  NOT_SUPPORTED: 'not-supported',
} as const;
export type TaskManagementResult = (typeof TaskManagementResult)[keyof typeof TaskManagementResult];

/** Data needed to answer transport-level questions without knowing SCSI internals. */
export interface LunInfo {
  readonly lun: number;
  /** Logical block size in bytes, for write residual rounding. */
  readonly blockSize: number;
}

/** Transport-originated errors that end a task with CHECK CONDITION. */
export const TransportSense = {
  /** 0Bh/47h/05h PROTOCOL SERVICE CRC ERROR: DataSN/offset/digest errors on Data-Out. */
  PROTOCOL_SERVICE_CRC_ERROR: 'protocol-service-crc-error',
  /** 05h/0Ch/0Ch UNEXPECTED UNSOLICITED DATA. */
  UNEXPECTED_UNSOLICITED_DATA: 'unexpected-unsolicited-data',
  /** 0Bh/0Ch/0Dh NOT ENOUGH UNSOLICITED DATA / incorrect amount of data. */
  INCORRECT_AMOUNT_OF_DATA: 'incorrect-amount-of-data',
} as const;
export type TransportSense = (typeof TransportSense)[keyof typeof TransportSense];

/** A command delivered to the device server and not started yet (its Data-Out may be arriving). */
export interface QueuedCommand {
  readonly lun: number;
  readonly cdb: Buffer;
}

/** One iSCSI target's SCSI side: its LUN map and device servers. */
export interface ScsiTarget {
  readonly name: string;
  /** LUNs in ascending order. */
  luns(): readonly LunInfo[];
  /** Runs a command; never rejects (a handler bug becomes HARDWARE ERROR). */
  execute(cmd: ScsiCommand): Promise<ScsiOutcome>;
  /**
   * SAM-5 reordering of SIMPLE commands: true when `later`, a command without Data-Out, may start
   * now, ahead of `earlier` (older commands of the nexus not started yet, in order), without
   * changing their outcomes or the medium's data (QUEUE ALGORITHM MODIFIER 0). The transport
   * checks the task attributes. A target without it keeps strict order.
   */
  mayStartAhead?(nexus: NexusId, later: QueuedCommand, earlier: readonly QueuedCommand[]): boolean;
  /** CHECK CONDITION for an iSCSI-detected error, in the LU's sense format. */
  checkCondition(lun: number, code: TransportSense): ScsiOutcome;
  /**
   * Applies the SCSI side effects of a TMF (unit attentions, reset of mode pages...).
   * The transport has already terminated the affected tasks.
   */
  taskManagement(req: TaskManagementRequest): Promise<TaskManagementResult>;
  /** The nexus is gone (session closed or reinstated): drop its per-nexus state. */
  nexusLost(nexus: NexusId): void;
  /** A new nexus logged in: it starts with POWER ON/RESET unit attention pending. */
  nexusCreated(nexus: NexusId): void;
}
