// Hand-built iSCSI wire bytes for transport tests (RFC 7143 §11). Written from the RFC's byte
// tables, independent of transport/pdu/*: tests build initiator PDUs and read target PDUs here,
// so an encoder bug cannot hide behind itself. Also a tiny raw-socket initiator for loopback tests.
import { connect, type Socket } from 'node:net';

export const Op = {
  NOP_OUT: 0x00,
  SCSI_COMMAND: 0x01,
  TMF_REQUEST: 0x02,
  LOGIN_REQUEST: 0x03,
  TEXT_REQUEST: 0x04,
  DATA_OUT: 0x05,
  LOGOUT_REQUEST: 0x06,
  SNACK: 0x10,
  NOP_IN: 0x20,
  SCSI_RESPONSE: 0x21,
  TMF_RESPONSE: 0x22,
  LOGIN_RESPONSE: 0x23,
  TEXT_RESPONSE: 0x24,
  DATA_IN: 0x25,
  LOGOUT_RESPONSE: 0x26,
  R2T: 0x31,
  ASYNC: 0x32,
  REJECT: 0x3f,
} as const;

export const NO_TAG = 0xffffffff;

/** Bitwise CRC32C (reflected 0x82F63B78), deliberately slow and separate from the native one. */
export function crc32cSlow(parts: readonly Uint8Array[]): number {
  let crc = 0xffffffff;
  for (const part of parts) {
    for (const byte of part) {
      crc ^= byte;
      for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
    }
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function le32(n: number): Buffer {
  return Buffer.from([n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff]);
}

function put32(b: Buffer, at: number, n: number): void {
  b[at] = (n >>> 24) & 0xff;
  b[at + 1] = (n >>> 16) & 0xff;
  b[at + 2] = (n >>> 8) & 0xff;
  b[at + 3] = n & 0xff;
}

function get32(b: Buffer, at: number): number {
  return (
    (((b[at] ?? 0) << 24) |
      ((b[at + 1] ?? 0) << 16) |
      ((b[at + 2] ?? 0) << 8) |
      (b[at + 3] ?? 0)) >>>
    0
  );
}

/** key=value\0 text, in order. */
export function text(
  pairs: Record<string, string> | readonly (readonly [string, string])[],
): Buffer {
  const list = Array.isArray(pairs) ? pairs : Object.entries(pairs);
  return Buffer.from(list.map(([k, v]) => `${k}=${v}\0`).join(''), 'utf8');
}

/** Parses key=value\0 text into ordered pairs. */
export function parseText(data: Buffer): [string, string][] {
  return data
    .toString('utf8')
    .split('\0')
    .filter((s) => s.length > 0)
    .map((s) => {
      const eq = s.indexOf('=');
      return [s.slice(0, eq), s.slice(eq + 1)] as [string, string];
    });
}

interface HeaderSpec {
  opcode: number;
  immediate?: boolean;
  byte1?: number;
  byte2?: number;
  byte3?: number;
  ahsWords?: number;
  dsl: number;
  /** 8 bytes at 8..15, or a LUN 0..255 written as 00 nn. */
  lun?: number | Buffer;
  itt: number;
  /** 32-bit fields by byte offset (20, 24, 28, ...). */
  words?: Record<number, number>;
}

export function header(spec: HeaderSpec): Buffer {
  const h = Buffer.alloc(48);
  h[0] = (spec.immediate ? 0x40 : 0) | spec.opcode;
  h[1] = spec.byte1 ?? 0;
  h[2] = spec.byte2 ?? 0;
  h[3] = spec.byte3 ?? 0;
  h[4] = spec.ahsWords ?? 0;
  h[5] = (spec.dsl >>> 16) & 0xff;
  h[6] = (spec.dsl >>> 8) & 0xff;
  h[7] = spec.dsl & 0xff;
  if (typeof spec.lun === 'number') h[9] = spec.lun;
  else if (spec.lun) spec.lun.copy(h, 8, 0, 8);
  put32(h, 16, spec.itt);
  for (const [at, v] of Object.entries(spec.words ?? {})) put32(h, Number(at), v);
  return h;
}

export interface Framing {
  headerDigest?: boolean;
  dataDigest?: boolean;
}

/** A whole PDU on the wire: BHS, AHS, digest, data, zero padding, digest. */
export function frame(
  bhs: Buffer,
  data: Buffer = Buffer.alloc(0),
  f: Framing = {},
  ahs?: Buffer,
): Buffer {
  const parts: Buffer[] = [bhs];
  if (ahs) parts.push(ahs);
  if (f.headerDigest) parts.push(le32(crc32cSlow(ahs ? [bhs, ahs] : [bhs])));
  if (data.length > 0) {
    const pad = Buffer.alloc((4 - (data.length % 4)) % 4);
    parts.push(data, pad);
    if (f.dataDigest) parts.push(le32(crc32cSlow([data, pad])));
  }
  return Buffer.concat(parts);
}

export function isidBytes(isid = '80123456789a'): Buffer {
  return Buffer.from(isid, 'hex');
}

export interface LoginSpec {
  transit?: boolean;
  cont?: boolean;
  csg?: number;
  nsg?: number;
  versionMax?: number;
  versionMin?: number;
  isid?: string;
  tsih?: number;
  itt?: number;
  cid?: number;
  cmdSN?: number;
  expStatSN?: number;
  data?: Buffer;
}

/** Login Request, RFC 7143 §11.12. Byte 0 is always 0x43. */
export function loginRequest(s: LoginSpec = {}): Buffer {
  const csg = s.csg ?? 1;
  const nsg = s.nsg ?? 3;
  const transit = s.transit ?? true;
  const data = s.data ?? Buffer.alloc(0);
  const h = header({
    opcode: Op.LOGIN_REQUEST,
    immediate: true,
    byte1: (transit ? 0x80 : 0) | (s.cont ? 0x40 : 0) | (csg << 2) | nsg,
    byte2: s.versionMax ?? 0,
    byte3: s.versionMin ?? 0,
    dsl: data.length,
    itt: s.itt ?? 1,
    words: { 20: (s.cid ?? 0) << 16, 24: s.cmdSN ?? 1, 28: s.expStatSN ?? 0 },
  });
  isidBytes(s.isid).copy(h, 8);
  h[14] = ((s.tsih ?? 0) >>> 8) & 0xff;
  h[15] = (s.tsih ?? 0) & 0xff;
  return frame(h, data);
}

export interface CommandSpec {
  immediate?: boolean;
  final?: boolean;
  read?: boolean;
  write?: boolean;
  attr?: number;
  lun?: number | Buffer;
  itt: number;
  edtl: number;
  cmdSN: number;
  expStatSN?: number;
  cdb: Buffer;
  data?: Buffer;
  ahs?: Buffer;
}

/** SCSI Command, RFC 7143 §11.3. */
export function scsiCommand(s: CommandSpec, f: Framing = {}): Buffer {
  const data = s.data ?? Buffer.alloc(0);
  const h = header({
    opcode: Op.SCSI_COMMAND,
    immediate: s.immediate ?? false,
    byte1:
      ((s.final ?? true) ? 0x80 : 0) | (s.read ? 0x40 : 0) | (s.write ? 0x20 : 0) | (s.attr ?? 1),
    dsl: data.length,
    ahsWords: s.ahs ? s.ahs.length / 4 : 0,
    ...(s.lun === undefined ? {} : { lun: s.lun }),
    itt: s.itt,
    words: { 20: s.edtl, 24: s.cmdSN, 28: s.expStatSN ?? 0 },
  });
  s.cdb.copy(h, 32, 0, Math.min(16, s.cdb.length));
  return frame(h, data, f, s.ahs);
}

/** SCSI Data-Out, RFC 7143 §11.7. */
export function dataOut(
  s: {
    final?: boolean;
    lun?: number;
    itt: number;
    ttt: number;
    dataSN: number;
    offset: number;
    data: Buffer;
  },
  f: Framing = {},
): Buffer {
  const h = header({
    opcode: Op.DATA_OUT,
    byte1: (s.final ?? true) ? 0x80 : 0,
    dsl: s.data.length,
    lun: s.lun ?? 0,
    itt: s.itt,
    words: { 20: s.ttt, 36: s.dataSN, 40: s.offset },
  });
  return frame(h, s.data, f);
}

/** NOP-Out, RFC 7143 §11.18. */
export function nopOut(
  s: {
    immediate?: boolean;
    itt: number;
    ttt?: number;
    cmdSN: number;
    lun?: number | Buffer;
    data?: Buffer;
  },
  f: Framing = {},
): Buffer {
  const data = s.data ?? Buffer.alloc(0);
  const h = header({
    opcode: Op.NOP_OUT,
    immediate: s.immediate ?? true,
    byte1: 0x80,
    dsl: data.length,
    lun: s.lun ?? 0,
    itt: s.itt,
    words: { 20: s.ttt ?? NO_TAG, 24: s.cmdSN },
  });
  return frame(h, data, f);
}

/** Task Management Function Request, RFC 7143 §11.5. */
export function tmfRequest(
  s: {
    immediate?: boolean;
    fn: number;
    lun?: number;
    itt: number;
    rtt?: number;
    cmdSN: number;
    refCmdSN?: number;
  },
  f: Framing = {},
): Buffer {
  const h = header({
    opcode: Op.TMF_REQUEST,
    immediate: s.immediate ?? true,
    byte1: 0x80 | s.fn,
    dsl: 0,
    lun: s.lun ?? 0,
    itt: s.itt,
    words: { 20: s.rtt ?? NO_TAG, 24: s.cmdSN, 32: s.refCmdSN ?? 0 },
  });
  return frame(h, undefined, f);
}

/** Logout Request, RFC 7143 §11.14. */
export function logoutRequest(
  s: { immediate?: boolean; reason?: number; itt: number; cid?: number; cmdSN: number },
  f: Framing = {},
): Buffer {
  const h = header({
    opcode: Op.LOGOUT_REQUEST,
    immediate: s.immediate ?? true,
    byte1: 0x80 | (s.reason ?? 0),
    dsl: 0,
    itt: s.itt,
    words: { 20: (s.cid ?? 0) << 16, 24: s.cmdSN },
  });
  return frame(h, undefined, f);
}

/** Text Request, RFC 7143 §11.10. */
export function textRequest(
  s: {
    immediate?: boolean;
    final?: boolean;
    cont?: boolean;
    itt: number;
    ttt?: number;
    cmdSN: number;
    data: Buffer;
  },
  f: Framing = {},
): Buffer {
  const h = header({
    opcode: Op.TEXT_REQUEST,
    immediate: s.immediate ?? true,
    byte1: ((s.final ?? true) ? 0x80 : 0) | (s.cont ? 0x40 : 0),
    dsl: s.data.length,
    itt: s.itt,
    words: { 20: s.ttt ?? NO_TAG, 24: s.cmdSN },
  });
  return frame(h, s.data, f);
}

/** A target PDU as read off the wire, with fields named after RFC 7143 §11. */
export interface TargetPdu {
  readonly bhs: Buffer;
  readonly opcode: number;
  readonly byte1: number;
  readonly byte2: number;
  readonly byte3: number;
  readonly ahsWords: number;
  readonly dsl: number;
  readonly itt: number;
  /** Bytes 20..23: TTT (NOP-In, R2T, Data-In, Text), SNACK tag (Response). */
  readonly ttt: number;
  readonly statSN: number;
  readonly expCmdSN: number;
  readonly maxCmdSN: number;
  /** Bytes 36..39: DataSN / R2TSN / ExpDataSN / Login status at 36..37. */
  readonly w36: number;
  /** Bytes 40..43: Buffer Offset. */
  readonly w40: number;
  /** Bytes 44..47: Residual Count / Desired Data Transfer Length. */
  readonly w44: number;
  readonly data: Buffer;
}

/** Reads complete target PDUs out of a byte stream. */
export class PduReader {
  private buf = Buffer.alloc(0);
  headerDigest = false;
  dataDigest = false;

  push(chunk: Buffer): void {
    this.buf = Buffer.concat([this.buf, chunk]);
  }

  next(): TargetPdu | undefined {
    if (this.buf.length < 48) return undefined;
    const b = this.buf;
    const ahs = (b[4] ?? 0) * 4;
    const dsl = ((b[5] ?? 0) << 16) | ((b[6] ?? 0) << 8) | (b[7] ?? 0);
    const hd = this.headerDigest ? 4 : 0;
    const padded = dsl + ((4 - (dsl % 4)) % 4);
    const dd = this.dataDigest && dsl > 0 ? 4 : 0;
    const total = 48 + ahs + hd + padded + dd;
    if (b.length < total) return undefined;
    const bhs = Buffer.from(b.subarray(0, 48));
    if (hd && b.readUInt32LE(48 + ahs) !== crc32cSlow([b.subarray(0, 48 + ahs)]))
      throw new Error('bad header digest from target');
    const data = Buffer.from(b.subarray(48 + ahs + hd, 48 + ahs + hd + dsl));
    if (
      dd &&
      b.readUInt32LE(48 + ahs + hd + padded) !==
        crc32cSlow([b.subarray(48 + ahs + hd, 48 + ahs + hd + padded)])
    ) {
      throw new Error('bad data digest from target');
    }
    this.buf = this.buf.subarray(total);
    return {
      bhs,
      opcode: (b[0] ?? 0) & 0x3f,
      byte1: b[1] ?? 0,
      byte2: b[2] ?? 0,
      byte3: b[3] ?? 0,
      ahsWords: b[4] ?? 0,
      dsl,
      itt: get32(bhs, 16),
      ttt: get32(bhs, 20),
      statSN: get32(bhs, 24),
      expCmdSN: get32(bhs, 28),
      maxCmdSN: get32(bhs, 32),
      w36: get32(bhs, 36),
      w40: get32(bhs, 40),
      w44: get32(bhs, 44),
      data,
    };
  }
}

/** Login status (class << 8 | detail) of a Login Response. */
export function loginStatus(p: TargetPdu): number {
  return ((p.bhs[36] ?? 0) << 8) | (p.bhs[37] ?? 0);
}

export function tsihOf(p: TargetPdu): number {
  return ((p.bhs[14] ?? 0) << 8) | (p.bhs[15] ?? 0);
}

/** A raw-socket initiator for loopback tests: send bytes, await target PDUs. */
export class WireInitiator {
  readonly reader = new PduReader();
  private readonly queue: TargetPdu[] = [];
  private waiter: (() => void) | undefined;
  closed = false;
  cmdSN = 1;
  itt = 0x100;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.reader.push(chunk);
      for (let p = this.reader.next(); p; p = this.reader.next()) this.queue.push(p);
      this.waiter?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiter?.();
    });
    socket.on('error', () => {});
  }

  /** `localAddress` picks the source address (any of 127.0.0.0/8 on loopback). */
  static async connect(
    port: number,
    host = '127.0.0.1',
    localAddress?: string,
  ): Promise<WireInitiator> {
    const socket = connect({ port, host, ...(localAddress ? { localAddress } : {}) });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
    return new WireInitiator(socket);
  }

  send(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Next PDU, or undefined when none arrives within `ms` (or the socket closed). */
  async next(ms = 5000): Promise<TargetPdu | undefined> {
    const deadline = Date.now() + ms;
    while (this.queue.length === 0) {
      if (this.closed) return undefined;
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.waiter = undefined;
    }
    return this.queue.shift();
  }

  /**
   * Proves the target sent nothing more, without waiting out a timeout: two immediate NOP-Out
   * pings, each awaited. Anything the target was about to send when the first ping went out (work
   * already queued in this process, as with the in-process harness) arrives before the second
   * echo. Returns every other PDU that came first ([] when the target was quiet).
   */
  async quiet(): Promise<TargetPdu[]> {
    const others: TargetPdu[] = [];
    for (let round = 0; round < 2; round++) {
      const itt = this.nextItt();
      this.send(nopOut({ itt, cmdSN: this.cmdSN }));
      for (;;) {
        const p = await this.next();
        if (p === undefined) {
          throw new Error(
            `no echo of ping ${itt}: connection ${this.closed ? 'closed' : 'silent'}`,
          );
        }
        if (p.opcode === Op.NOP_IN && p.itt === itt) break;
        others.push(p);
      }
    }
    return others;
  }

  /** Waits until the target closes the connection. */
  async closedWithin(ms = 5000): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!this.closed && Date.now() < deadline) {
      this.queue.length = 0;
      await this.next(Math.max(1, deadline - Date.now()));
    }
    return this.closed;
  }

  /** Normal-session login in one PDU, as libiscsi does (stage 1 -> 3). Returns the response. */
  async login(
    opts: {
      targetName?: string;
      initiatorName?: string;
      isid?: string;
      keys?: Record<string, string>;
      sessionType?: 'Normal' | 'Discovery';
    } = {},
  ): Promise<TargetPdu> {
    const pairs: [string, string][] = [
      ['InitiatorName', opts.initiatorName ?? 'iqn.2026-11.test:initiator'],
    ];
    if ((opts.sessionType ?? 'Normal') === 'Normal')
      pairs.push(['TargetName', opts.targetName ?? 'iqn.2026-11.test:target']);
    pairs.push(['SessionType', opts.sessionType ?? 'Normal']);
    const defaults: Record<string, string> = {
      HeaderDigest: 'None',
      DataDigest: 'None',
      InitialR2T: 'No',
      ImmediateData: 'Yes',
      MaxBurstLength: '262144',
      FirstBurstLength: '65536',
      MaxRecvDataSegmentLength: '262144',
      MaxOutstandingR2T: '1',
      ErrorRecoveryLevel: '0',
    };
    const keys = { ...defaults, ...opts.keys };
    for (const [k, v] of Object.entries(keys)) pairs.push([k, v]);
    this.send(
      loginRequest({
        isid: opts.isid ?? '80123456789a',
        cmdSN: this.cmdSN,
        itt: 1,
        data: text(pairs),
      }),
    );
    const rsp = await this.next();
    if (!rsp) throw new Error('no login response');
    const answers = Object.fromEntries(parseText(rsp.data));
    if (answers.HeaderDigest === 'CRC32C') this.reader.headerDigest = true;
    if (answers.DataDigest === 'CRC32C') this.reader.dataDigest = true;
    return rsp;
  }

  nextItt(): number {
    return this.itt++;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** CDB builders for tests (SBC-4 READ(10)/WRITE(10), SPC TEST UNIT READY). */
export function read10(lba: number, blocks: number): Buffer {
  const c = Buffer.alloc(10);
  c[0] = 0x28;
  put32(c, 2, lba);
  c[7] = (blocks >>> 8) & 0xff;
  c[8] = blocks & 0xff;
  return c;
}

export function write10(lba: number, blocks: number): Buffer {
  const c = read10(lba, blocks);
  c[0] = 0x2a;
  return c;
}

export const TEST_UNIT_READY = Buffer.alloc(6);
