// Errors that leave a transport module: a stable code plus a message. They never escape a socket
// handler; `connection.fail()` turns them into a log line and a closed connection.

export type ProtocolErrorCode =
  | 'ISCSI_PDU_TOO_LONG'
  | 'ISCSI_AHS_TOO_LONG'
  | 'ISCSI_HEADER_DIGEST'
  | 'ISCSI_BAD_OPCODE'
  | 'ISCSI_PROTOCOL'
  | 'ISCSI_LOGIN_LIMIT'
  | 'ISCSI_TIMEOUT'
  | 'ISCSI_SOCKET';

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
  ) {
    super(message);
  }
}
