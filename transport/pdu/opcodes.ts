// iSCSI opcodes, RFC 7143 §11.2.1.2.

export const InitiatorOpcode = {
  NOP_OUT: 0x00,
  SCSI_COMMAND: 0x01,
  TASK_MANAGEMENT_REQUEST: 0x02,
  LOGIN_REQUEST: 0x03,
  TEXT_REQUEST: 0x04,
  SCSI_DATA_OUT: 0x05,
  LOGOUT_REQUEST: 0x06,
  SNACK_REQUEST: 0x10,
} as const;
export type InitiatorOpcode = (typeof InitiatorOpcode)[keyof typeof InitiatorOpcode];

export const TargetOpcode = {
  NOP_IN: 0x20,
  SCSI_RESPONSE: 0x21,
  TASK_MANAGEMENT_RESPONSE: 0x22,
  LOGIN_RESPONSE: 0x23,
  TEXT_RESPONSE: 0x24,
  SCSI_DATA_IN: 0x25,
  LOGOUT_RESPONSE: 0x26,
  R2T: 0x31,
  ASYNC_MESSAGE: 0x32,
  REJECT: 0x3f,
} as const;
export type TargetOpcode = (typeof TargetOpcode)[keyof typeof TargetOpcode];

/** Byte 0 bit 6: immediate delivery (initiator PDUs). */
export const IMMEDIATE_BIT = 0x40;
/** Byte 1 bit 7: final. */
export const FINAL_BIT = 0x80;
/** Reserved tag value (ITT/TTT), RFC 7143 §11.2.1.8. */
export const RESERVED_TAG = 0xffff_ffff;
export const BHS_LENGTH = 48;

/** Reject reasons, RFC 7143 §11.17.1. */
export const RejectReason = {
  DATA_DIGEST_ERROR: 0x02,
  SNACK_REJECT: 0x03,
  PROTOCOL_ERROR: 0x04,
  COMMAND_NOT_SUPPORTED: 0x05,
  IMMEDIATE_COMMAND_REJECT: 0x06,
  TASK_IN_PROGRESS: 0x07,
  INVALID_DATA_ACK: 0x08,
  INVALID_PDU_FIELD: 0x09,
  LONG_OPERATION_REJECT: 0x0a,
  WAITING_FOR_LOGOUT: 0x0c,
} as const;
export type RejectReason = (typeof RejectReason)[keyof typeof RejectReason];
