// Transport observation port: src/ implements it (metrics, the wire trace, the control server's
// session list). The server calls it only when one is given; each call site is one null check.

/** One TCP connection as observers see it; `id` is unique for the server's lifetime. */
export interface ConnectionRef {
  readonly id: number;
  readonly local: { readonly host: string; readonly port: number };
  readonly remote: { readonly host: string; readonly port: number };
}

/** A logged-in session (normal or discovery). */
export interface SessionRef {
  readonly tsih: number;
  readonly initiatorName: string;
  readonly isid: string;
  /** Undefined for discovery sessions. */
  readonly targetName: string | undefined;
  /** The SCSI nexus key (NexusId.key) of a normal session. */
  readonly nexusKey: string | undefined;
  readonly connection: ConnectionRef;
}

export type PduDirection = 'in' | 'out';

export interface TransportObserver {
  connectionOpened(connection: ConnectionRef): void;
  connectionClosed(connection: ConnectionRef, reason: string): void;
  sessionOpened(session: SessionRef): void;
  sessionClosed(session: SessionRef): void;
  /**
   * One PDU as framed: 48-byte BHS (+ AHS), its data segment as views (no padding or digests).
   * Views are valid only during the call: copy what must outlive it.
   */
  pdu(
    connection: ConnectionRef,
    direction: PduDirection,
    bhs: Buffer,
    ahs: Buffer | undefined,
    data: readonly Buffer[],
  ): void;
  /** A header digest mismatch (the connection fails) or a data digest mismatch (Reject / R2T). */
  digestError(connection: ConnectionRef, kind: 'header' | 'data'): void;
}
