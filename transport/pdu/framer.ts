// Splits a TCP byte stream into PDUs (RFC 7143 §11.1–§11.2) over the list of
// received chunks, without concatenating them: a header straddling two chunks is copied (48 bytes,
// plus AHS), data segments come out as arrays of views. Lengths are checked against limits before
// any byte of a segment is waited for. "Need more bytes" is a normal result.
import { digestMatches } from '../digest.js';
import { ProtocolError } from '../errors.js';
import { MAX_AHS_BYTES } from '../limits.js';
import { BHS_LENGTH } from './opcodes.js';

export interface RawPdu {
  /** The 48-byte BHS: a view of a received chunk, or a copy when it straddled two. */
  readonly bhs: Buffer;
  /** Additional header segments (TotalAHSLength x 4 bytes), or undefined when absent. */
  readonly ahs: Buffer | undefined;
  /** The data segment, without padding, as views in order. */
  readonly data: readonly Buffer[];
  readonly dataLength: number;
  /** The data digest did not match (RFC 7143 §7.8: Reject 0x02, discard the PDU). */
  readonly dataDigestError: boolean;
}

export type FrameResult =
  | { readonly kind: 'pdu'; readonly pdu: RawPdu }
  | { readonly kind: 'need-more' }
  | { readonly kind: 'error'; readonly error: ProtocolError };

export interface FramerSettings {
  headerDigest: boolean;
  dataDigest: boolean;
  /** Largest DataSegmentLength accepted (our declared MaxRecvDataSegmentLength, or the login cap). */
  maxDataSegmentLength: number;
}

const NEED_MORE: FrameResult = Object.freeze({ kind: 'need-more' });
/** The data of every PDU without a data segment (most commands): shared, never written. */
const NO_DATA: readonly Buffer[] = Object.freeze([]);

interface PendingHeader {
  readonly bhs: Buffer;
  readonly ahs: Buffer | undefined;
  readonly dataLength: number;
  /** Data + padding + data digest bytes still to come. */
  readonly tailLength: number;
}

export class PduFramer {
  private readonly chunks: Buffer[] = [];
  /** Read position inside chunks[0]. */
  private offset = 0;
  private buffered = 0;
  private pending: PendingHeader | undefined;
  private failed: ProtocolError | undefined;
  private readonly settings: FramerSettings;

  constructor(settings: FramerSettings) {
    this.settings = { ...settings };
  }

  /** Changes digests/limits; takes effect for the next PDU (e.g. right after the final Login Response). */
  configure(change: Partial<FramerSettings>): void {
    Object.assign(this.settings, change);
  }

  get bufferedBytes(): number {
    return this.buffered;
  }

  push(chunk: Buffer): void {
    if (this.failed || chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** The next complete PDU, "need-more", or an error after which the stream is untrusted. */
  next(): FrameResult {
    if (this.failed) return { kind: 'error', error: this.failed };
    if (!this.pending) {
      const header = this.readHeader();
      if (header === undefined) return NEED_MORE;
      if (header instanceof ProtocolError) return this.fail(header);
      this.pending = header;
    }
    const p = this.pending;
    if (this.buffered < p.tailLength) return NEED_MORE;
    this.pending = undefined;
    if (p.dataLength === 0) {
      this.skip(p.tailLength);
      return {
        kind: 'pdu',
        pdu: { bhs: p.bhs, ahs: p.ahs, data: NO_DATA, dataLength: 0, dataDigestError: false },
      };
    }
    const data = this.take(p.dataLength);
    const padLength = (4 - (p.dataLength % 4)) % 4;
    let dataDigestError = false;
    if (this.settings.dataDigest) {
      const padding = this.take(padLength);
      dataDigestError = !digestMatches(data, this.copy(4), padding);
    } else {
      this.skip(padLength);
    }
    return {
      kind: 'pdu',
      pdu: { bhs: p.bhs, ahs: p.ahs, data, dataLength: p.dataLength, dataDigestError },
    };
  }

  private fail(error: ProtocolError): FrameResult {
    this.failed = error;
    this.chunks.length = 0;
    this.buffered = 0;
    return { kind: 'error', error };
  }

  private readHeader(): PendingHeader | ProtocolError | undefined {
    if (this.buffered < BHS_LENGTH) return undefined;
    // A view, or the one copy we make when the BHS straddles two chunks.
    const bhs = this.peek(BHS_LENGTH);
    const ahsBytes = bhs.readUInt8(4) * 4;
    if (ahsBytes > MAX_AHS_BYTES) {
      return new ProtocolError(
        'ISCSI_AHS_TOO_LONG',
        `TotalAHSLength ${ahsBytes} bytes exceeds ${MAX_AHS_BYTES}`,
      );
    }
    const digestLength = this.settings.headerDigest ? 4 : 0;
    if (this.buffered < BHS_LENGTH + ahsBytes + digestLength) return undefined;
    const dataLength = bhs.readUIntBE(5, 3);
    this.skip(BHS_LENGTH);
    const ahs = ahsBytes > 0 ? this.copy(ahsBytes) : undefined;
    if (digestLength > 0 && !digestMatches(ahs ? [bhs, ahs] : [bhs], this.copy(4))) {
      return new ProtocolError('ISCSI_HEADER_DIGEST', 'header digest mismatch');
    }
    if (dataLength > this.settings.maxDataSegmentLength) {
      return new ProtocolError(
        'ISCSI_PDU_TOO_LONG',
        `DataSegmentLength ${dataLength} exceeds ${this.settings.maxDataSegmentLength}`,
      );
    }
    const padLength = (4 - (dataLength % 4)) % 4;
    const digest = this.settings.dataDigest && dataLength > 0 ? 4 : 0;
    return { bhs, ahs, dataLength, tailLength: dataLength + padLength + digest };
  }

  /** n bytes from the cursor without consuming: a view when inside one chunk, else a copy. */
  private peek(n: number): Buffer {
    const head = this.chunks[0] as Buffer;
    if (head.length - this.offset >= n) return head.subarray(this.offset, this.offset + n);
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    let at = this.offset;
    for (const chunk of this.chunks) {
      const count = Math.min(n - filled, chunk.length - at);
      chunk.copy(out, filled, at, at + count);
      filled += count;
      at = 0;
      if (filled === n) break;
    }
    return out;
  }

  /** Consumes n bytes into a fresh buffer (AHS and digests: small). */
  private copy(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    for (const view of this.take(n)) {
      view.copy(out, filled);
      filled += view.length;
    }
    return out;
  }

  /** Consumes n bytes as views of the received chunks. */
  private take(n: number): Buffer[] {
    const views: Buffer[] = [];
    let left = n;
    while (left > 0) {
      const head = this.chunks[0] as Buffer;
      const count = Math.min(left, head.length - this.offset);
      views.push(head.subarray(this.offset, this.offset + count));
      this.advance(count);
      left -= count;
    }
    return views;
  }

  private skip(n: number): void {
    let left = n;
    while (left > 0) {
      const head = this.chunks[0] as Buffer;
      const count = Math.min(left, head.length - this.offset);
      this.advance(count);
      left -= count;
    }
  }

  private advance(count: number): void {
    this.offset += count;
    this.buffered -= count;
    if (this.offset === (this.chunks[0] as Buffer).length) {
      this.chunks.shift();
      this.offset = 0;
    }
  }
}
