// Every bound the transport puts on peer input, in one place (docs/architecture.md). Each one has a
// unit test that goes past it. Values a TargetPortalConfig/server option may override are in
// `TransportLimits`; the rest are fixed protocol caps.

/** Largest data segment accepted before full feature phase (login/text PDUs; tgt's 8 KiB buffer). */
export const MAX_LOGIN_DATA_SEGMENT = 8192;
/** Largest key=value text accepted across the continuation PDUs of one login or text request. */
export const MAX_NEGOTIATION_TEXT = 65536;
/** Login Requests accepted on one connection before giving up. */
export const MAX_LOGIN_PDUS = 32;
/** Largest AHS (TotalAHSLength x 4) accepted; an extended CDB of 260 bytes needs 248 + 4. */
export const MAX_AHS_BYTES = 256;
/** Largest CDB accepted (tgt's cap), base 16 bytes plus the extended-CDB AHS. */
export const MAX_CDB_BYTES = 260;
/** Key name length (RFC 7143 §6.1). */
export const MAX_KEY_NAME = 63;
/** Default value length (RFC 7143 §6.1); large binaries go up to MAX_CHAP_BINARY_BYTES. */
export const MAX_VALUE_LENGTH = 255;
/** iSCSI names (RFC 7143 §4.2.7.1). */
export const MAX_NAME_LENGTH = 223;
/** CHAP_C / CHAP_R decoded sizes (RFC 7143 §12.1.3). */
export const MAX_CHAP_BINARY_BYTES = 1024;
/** Encoded length of a large binary value: "0x" + 2 hex digits per byte. */
export const MAX_LARGE_VALUE_LENGTH = 2 + 2 * MAX_CHAP_BINARY_BYTES;
/** Target's declared MaxRecvDataSegmentLength (multiple of 4, libiscsi's 256 KiB). */
export const TARGET_MAX_RECV_DATA_SEGMENT = 262144;
/** Data we send in Text/Reject/Async PDUs in FFP (Linux refuses more than 8192). */
export const MAX_FFP_TEXT_RESPONSE = 8192;
/**
 * Whole answer text of one login step, sent in Login Responses of at most MAX_LOGIN_DATA_SEGMENT
 * bytes with the C bit (RFC 7143 §11.13.2); a login asking for more is refused with 0200h.
 */
export const MAX_LOGIN_RESPONSE_TEXT = 4 * MAX_LOGIN_DATA_SEGMENT;
/** Whole answer text of one FFP Text Request, sent in parts with C and a TTT (RFC 7143 §11.11). */
export const MAX_TEXT_RESPONSE = MAX_NEGOTIATION_TEXT;
/** Immediate (I=1) commands outstanding at once per session; beyond -> Reject 0x06. */
export const MAX_PENDING_IMMEDIATE = 16;
/** R2T bursts open at once per session, bounding solicited buffering to this x MaxBurstLength. */
export const MAX_OPEN_R2T_BURSTS = 16;
/**
 * Connections still in login, per source address and in total. Beyond either a new connection is
 * closed at once, before it may hold a slot for the whole login deadline: half-open logins of one
 * peer cannot lock out established sessions (they are not counted) or other peers' logins.
 */
export const MAX_LOGINS_IN_PROGRESS_PER_ADDRESS = 16;
export const MAX_LOGINS_IN_PROGRESS = 64;
/** Upper bounds of what we agree to in negotiation (RFC 7143 §13). */
export const TARGET_MAX_BURST_LENGTH = 1048576;
export const TARGET_FIRST_BURST_LENGTH = 262144;
export const TARGET_MAX_OUTSTANDING_R2T = 16;

export interface TransportLimits {
  /** CmdSN window depth per session (RFC 7143 §4.2.2.1). */
  readonly queueDepth: number;
  /** Tasks (ITTs) alive at once per session, window plus immediates. */
  readonly maxTasksPerSession: number;
  /** Login must reach FFP within this many ms. */
  readonly loginTimeoutMs: number;
  /** Idle time before the target pings with a NOP-In (0 disables). */
  readonly nopIntervalMs: number;
  /** Time the initiator has to answer a target ping. */
  readonly nopTimeoutMs: number;
  /** Data-Out must arrive this soon after an R2T. */
  readonly dataOutTimeoutMs: number;
  /** Live connections accepted per listening portal; beyond -> Login status 0x0302. */
  readonly maxConnections: number;
  /** Live sessions per initiator name; beyond -> Login status 0x0302. */
  readonly maxSessionsPerInitiator: number;
  /** Bytes queued on a socket above which new Data-In is held until 'drain'. */
  readonly writeHighWater: number;
}

export const DEFAULT_LIMITS: TransportLimits = Object.freeze({
  queueDepth: 128,
  maxTasksPerSession: 128 + MAX_PENDING_IMMEDIATE,
  loginTimeoutMs: 15_000,
  nopIntervalMs: 15_000,
  nopTimeoutMs: 30_000,
  dataOutTimeoutMs: 30_000,
  maxConnections: 256,
  maxSessionsPerInitiator: 16,
  writeHighWater: 8 * 1024 * 1024,
});

export function resolveLimits(
  overrides: Partial<TransportLimits> | undefined,
  queueDepth?: number,
): TransportLimits {
  const depth = queueDepth ?? overrides?.queueDepth ?? DEFAULT_LIMITS.queueDepth;
  return Object.freeze({
    ...DEFAULT_LIMITS,
    maxTasksPerSession: depth + MAX_PENDING_IMMEDIATE,
    ...overrides,
    queueDepth: depth,
  });
}
