// The wire trace: iSCSI PDUs written as a pcap whose synthetic TCP streams tshark reassembles
// (one stream per connection, a handshake at its first PDU in each file, seq/ack per direction).
// The target side is always port 3260, where Wireshark's iSCSI dissector listens. PDUs are
// written as framed, without digests. By default data segments of SCSI Command, Data-Out and
// Data-In PDUs are left out (DataSegmentLength set to 0 in the copy); `data` keeps them.
import { createWriteStream, renameSync, type WriteStream } from 'node:fs';
import type { ConnectionRef, PduDirection } from '../../transport/observer.js';
import {
  type Endpoint,
  MAX_SEGMENT_PAYLOAD,
  pcapFileHeader,
  type Segment,
  segmentHeaders,
  TcpFlag,
} from './pcap.js';

export interface TraceOptions {
  readonly file: string;
  /** Keep the data segments of SCSI Command, Data-Out and Data-In PDUs. */
  readonly data?: boolean;
  /** Rotate when a file reaches this size (0 or absent: never). */
  readonly maxBytes?: number;
  /** Files kept when rotating: FILE, FILE.1 ... FILE.(files-1). */
  readonly files?: number;
}

export interface TraceStatus {
  readonly active: boolean;
  readonly file?: string;
  readonly data?: boolean;
  readonly packets: number;
  readonly bytes: number;
  readonly rotations: number;
  /** PDUs not written because the file lagged too far behind. */
  readonly dropped: number;
}

/** SCSI Command, SCSI Data-Out (initiator), SCSI Data-In (target): bulk data (RFC 7143 11.1). */
const BULK_OPCODES: ReadonlySet<number> = new Set([0x01, 0x05, 0x25]);
const ISCSI_PORT = 3260;
const MAX_LAG_BYTES = 64 * 1024 * 1024;

interface StreamState {
  readonly initiator: Endpoint;
  readonly target: Endpoint;
  /** Next sequence number initiator -> target and target -> initiator. */
  seqIn: number;
  seqOut: number;
  /** The file generation whose handshake this connection has had. */
  generation: number;
}

function ipv4(host: string, fallback: number): Endpoint['ip'] {
  const m = /^(?:::ffff:)?(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host);
  // IPv6 peers get TEST-NET-1 addresses (RFC 5737): the trace is synthetic anyway.
  return m ? [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])] : [192, 0, 2, fallback];
}

export class WireTrace {
  #options: TraceOptions | undefined;
  #out: WriteStream | undefined;
  #streams = new Map<number, StreamState>();
  #generation = 0;
  #fileBytes = 0;
  #packets = 0;
  #bytes = 0;
  #rotations = 0;
  #dropped = 0;
  #ipId = 0;

  get active(): boolean {
    return this.#out !== undefined;
  }

  status(): TraceStatus {
    const o = this.#options;
    return {
      active: this.active,
      ...(o !== undefined ? { file: o.file, data: o.data ?? false } : {}),
      packets: this.#packets,
      bytes: this.#bytes,
      rotations: this.#rotations,
      dropped: this.#dropped,
    };
  }

  /** Starts (or restarts) a trace; resolves once the file is open. Rejects if it cannot be. */
  async start(options: TraceOptions): Promise<void> {
    await this.stop();
    this.#options = options;
    this.#packets = 0;
    this.#bytes = 0;
    this.#rotations = 0;
    this.#dropped = 0;
    await this.#open();
  }

  async stop(): Promise<void> {
    const out = this.#out;
    this.#out = undefined;
    if (out !== undefined) await new Promise<void>((resolve) => out.end(resolve));
  }

  #open(): Promise<void> {
    const file = (this.#options as TraceOptions).file;
    const out = createWriteStream(file);
    this.#generation += 1;
    this.#fileBytes = 0;
    return new Promise<void>((resolve, reject) => {
      out.once('error', reject);
      out.once('open', () => {
        out.off('error', reject);
        out.on('error', () => {
          if (this.#out === out) this.#out = undefined; // a failing disk ends the trace
        });
        this.#out = out;
        this.#write(pcapFileHeader());
        resolve();
      });
    });
  }

  #rotateIfFull(): void {
    const o = this.#options;
    if (o === undefined || !o.maxBytes || this.#fileBytes < o.maxBytes) return;
    // The newest file is created when its stream opens: until then there is nothing to rename,
    // so a burst that fills the cap twice before that rotates once, when the file exists.
    if (this.#out?.pending) return;
    const keep = Math.max(1, o.files ?? 4);
    const old = this.#out;
    this.#out = undefined;
    // Renaming open files is fine on POSIX: the old stream finishes into its new name.
    for (let k = keep - 2; k >= 1; k--) {
      try {
        renameSync(`${o.file}.${k}`, `${o.file}.${k + 1}`);
      } catch {
        /* not there yet */
      }
    }
    if (keep > 1) {
      try {
        renameSync(o.file, `${o.file}.1`);
      } catch {
        // Moved or deleted under us: the trace goes on in a new file rather than end a session.
      }
    }
    old?.end();
    this.#rotations += 1;
    const out = createWriteStream(o.file);
    out.on('error', () => {
      if (this.#out === out) this.#out = undefined;
    });
    this.#out = out;
    this.#generation += 1;
    this.#fileBytes = 0;
    this.#write(pcapFileHeader());
  }

  #write(b: Buffer): void {
    this.#out?.write(b);
    this.#fileBytes += b.length;
    this.#bytes += b.length;
  }

  #stream(c: ConnectionRef): StreamState {
    let s = this.#streams.get(c.id);
    if (s === undefined) {
      s = {
        initiator: { ip: ipv4(c.remote.host, 1), port: c.remote.port },
        target: { ip: ipv4(c.local.host, 2), port: ISCSI_PORT },
        seqIn: 1_000_000,
        seqOut: 2_000_000,
        generation: 0,
      };
      this.#streams.set(c.id, s);
    }
    if (s.generation !== this.#generation) {
      s.generation = this.#generation;
      this.#handshake(s);
    }
    return s;
  }

  #segment(s: StreamState, fromInitiator: boolean, flags: number, payload: Buffer): void {
    const seg: Segment = {
      from: fromInitiator ? s.initiator : s.target,
      to: fromInitiator ? s.target : s.initiator,
      seq: fromInitiator ? s.seqIn : s.seqOut,
      ack: fromInitiator ? s.seqOut : s.seqIn,
      flags,
      payload,
      timeUs: Math.floor((performance.timeOrigin + performance.now()) * 1000),
    };
    this.#write(segmentHeaders(seg, this.#ipId++));
    if (payload.length > 0) this.#write(payload);
    this.#packets += 1;
    const advance = payload.length + ((flags & (TcpFlag.SYN | TcpFlag.FIN)) !== 0 ? 1 : 0);
    if (fromInitiator) s.seqIn = (s.seqIn + advance) >>> 0;
    else s.seqOut = (s.seqOut + advance) >>> 0;
  }

  /** SYN, SYN-ACK, ACK ending just before the next byte of each direction. */
  #handshake(s: StreamState): void {
    s.seqIn = (s.seqIn - 1) >>> 0;
    s.seqOut = (s.seqOut - 1) >>> 0;
    this.#segment(s, true, TcpFlag.SYN, Buffer.alloc(0));
    this.#segment(s, false, TcpFlag.SYN | TcpFlag.ACK, Buffer.alloc(0));
    this.#segment(s, true, TcpFlag.ACK, Buffer.alloc(0));
  }

  pdu(
    c: ConnectionRef,
    direction: PduDirection,
    bhs: Buffer,
    ahs: Buffer | undefined,
    data: readonly Buffer[],
  ): void {
    try {
      this.#record(c, direction, bhs, ahs, data);
    } catch {
      this.#out = undefined; // a trace that cannot write ends; the traced session goes on
    }
  }

  #record(
    c: ConnectionRef,
    direction: PduDirection,
    bhs: Buffer,
    ahs: Buffer | undefined,
    data: readonly Buffer[],
  ): void {
    const out = this.#out;
    if (out === undefined) return;
    if (out.writableLength > MAX_LAG_BYTES) {
      this.#dropped += 1;
      return;
    }
    this.#rotateIfFull();
    const s = this.#stream(c);
    const keepData = this.#options?.data === true || !BULK_OPCODES.has((bhs[0] ?? 0) & 0x3f);
    const header = Buffer.from(bhs.subarray(0, 48)); // a copy: the caller's view is reused
    let dataLength = 0;
    for (const part of data) dataLength += part.length;
    if (!keepData) header.writeUIntBE(0, 5, 3);
    const pad = keepData ? (4 - (dataLength % 4)) % 4 : 0;
    const parts = keepData
      ? [header, ...(ahs ? [ahs] : []), ...data, Buffer.alloc(pad)]
      : [header, ...(ahs ? [ahs] : [])];
    const pduBytes = Buffer.concat(parts);
    const fromInitiator = direction === 'in';
    for (let at = 0; at < pduBytes.length; at += MAX_SEGMENT_PAYLOAD) {
      this.#segment(
        s,
        fromInitiator,
        TcpFlag.PSH | TcpFlag.ACK,
        pduBytes.subarray(at, at + MAX_SEGMENT_PAYLOAD),
      );
    }
  }

  connectionClosed(c: ConnectionRef): void {
    const s = this.#streams.get(c.id);
    this.#streams.delete(c.id);
    if (s === undefined || this.#out === undefined || s.generation !== this.#generation) return;
    this.#segment(s, false, TcpFlag.FIN | TcpFlag.ACK, Buffer.alloc(0));
    this.#segment(s, true, TcpFlag.FIN | TcpFlag.ACK, Buffer.alloc(0));
  }
}
