// A minimal iSCSI initiator for durability tests (RFC 7143): one connection, no digests, no
// authentication, several tasks in flight. It proves nothing about interoperability (real
// initiators do that in other e2e tests); it exists so a test can issue exact CDBs, keep count of
// what was acknowledged, and survive the target being SIGKILLed mid-command.
import { connect, type Socket } from 'node:net';
import { parseSense } from './sense.js';
import { Op, parseText, text } from './wire.js';

export interface ScsiResult {
  readonly status: number;
  readonly data: Buffer;
  readonly sense: Buffer;
}

/** Sense key / ASC / ASCQ of fixed or descriptor sense data; null when there is none. */
export function senseTriple(sense: Buffer): { key: number; asc: number; ascq: number } | null {
  if (sense.length === 0) return null;
  const { key, asc, ascq } = parseSense(sense);
  return { key, asc, ascq };
}

export class ConnectionLost extends Error {}

/** The target aborted this command (ABORT TASK): no response will come (RFC 7143 §11.5.1). */
export class TaskAborted extends Error {}

/** A command on its way: its Initiator Task Tag (for ABORT TASK) and its outcome. */
export interface Task {
  readonly itt: number;
  readonly result: Promise<ScsiResult>;
}

interface Pending {
  readonly resolve: (r: ScsiResult) => void;
  readonly reject: (e: Error) => void;
  readonly dataOut: Buffer;
  readonly lun: number;
  readonly chunks: { offset: number; data: Buffer }[];
  readonly expectedIn: number;
  readonly cmdSN: number;
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}

function lunField(lun: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt16BE(lun & 0x3fff, 0); // peripheral device addressing for LUN < 256
  return b;
}

export interface LoginOptions {
  readonly host: string;
  readonly port: number;
  readonly targetName: string;
  readonly initiatorName?: string;
  /** Milliseconds for the TCP connect plus login (default 5 s). */
  readonly timeoutMs?: number;
}

export interface CommandOptions {
  readonly lun?: number;
  readonly dataOut?: Buffer;
  readonly dataInLength?: number;
}

export class MiniInitiator {
  private buf: Buffer = Buffer.alloc(0);
  private cmdSN = 1;
  private expStatSN = 0;
  private itt = 1;
  private readonly pending = new Map<number, Pending>();
  private loginWaiter: ((pdu: { bhs: Buffer; data: Buffer }) => void) | null = null;
  private closed: Promise<never> | undefined;
  private readonly tmfWaiters = new Map<number, (response: number) => void>();
  private closedError: Error | null = null;
  private maxBurst = 262144;
  private firstBurst = 65536;
  private targetMaxRecv = 8192;
  private immediateData = true;
  private initialR2T = true;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    const lost = (why: string) => () => this.fail(new ConnectionLost(why));
    socket.on('close', lost('connection closed'));
    socket.on('error', (e) => this.fail(new ConnectionLost(`connection error: ${e.message}`)));
    socket.on('end', lost('connection ended'));
  }

  /** Connects and runs a Normal-session login (security stage with AuthMethod=None, then operational). */
  static async login(opts: LoginOptions): Promise<MiniInitiator> {
    const timeoutMs = opts.timeoutMs ?? 5000;
    const socket = await new Promise<Socket>((res, rej) => {
      const s = connect({ host: opts.host, port: opts.port });
      const t = setTimeout(() => {
        s.destroy();
        rej(new ConnectionLost('connect timeout'));
      }, timeoutMs);
      s.once('connect', () => {
        clearTimeout(t);
        res(s);
      });
      s.once('error', (e) => {
        clearTimeout(t);
        rej(new ConnectionLost(`connect failed: ${e.message}`));
      });
    });
    socket.setNoDelay(true);
    const ini = new MiniInitiator(socket);
    const timer = setTimeout(() => ini.fail(new ConnectionLost('login timeout')), timeoutMs);
    try {
      await ini.doLogin(opts);
    } catch (e) {
      socket.destroy();
      throw e;
    } finally {
      clearTimeout(timer);
    }
    return ini;
  }

  private async doLogin(opts: LoginOptions): Promise<void> {
    const isid = Buffer.from([
      0x80,
      0x12,
      0x34,
      0x56,
      Math.floor(Math.random() * 256),
      Math.floor(Math.random() * 256),
    ]);
    const send = async (
      csg: number,
      nsg: number,
      transit: boolean,
      keys: Record<string, string>,
    ) => {
      const data = text(keys);
      const bhs = Buffer.alloc(48);
      bhs[0] = 0x40 | Op.LOGIN_REQUEST;
      bhs[1] = (transit ? 0x80 : 0) | (csg << 2) | nsg;
      bhs.writeUIntBE(data.length, 5, 3);
      isid.copy(bhs, 8);
      bhs.writeUInt32BE(0, 16); // ITT
      bhs.writeUInt32BE(this.cmdSN, 24);
      bhs.writeUInt32BE(this.expStatSN, 28);
      const reply = new Promise<{ bhs: Buffer; data: Buffer }>((res) => (this.loginWaiter = res));
      this.write(bhs, data);
      const r = await Promise.race([reply, this.closedPromise()]);
      const cls = r.bhs[36] as number;
      const detail = r.bhs[37] as number;
      if (cls !== 0) throw new Error(`login rejected: status class ${cls} detail ${detail}`);
      this.expStatSN = r.bhs.readUInt32BE(24) + 1;
      return { flags: r.bhs[1] as number, keys: new Map(parseText(r.data)) };
    };
    const first = await send(0, 1, true, {
      InitiatorName: opts.initiatorName ?? 'iqn.2026-11.dev.zbc-target:mini-initiator',
      TargetName: opts.targetName,
      SessionType: 'Normal',
      AuthMethod: 'None',
    });
    let stage = (first.flags & 0x80) !== 0 ? first.flags & 0x3 : 0;
    let offered = false;
    for (let round = 0; round < 6 && stage !== 3; round++) {
      const keys: Record<string, string> = offered
        ? {}
        : {
            HeaderDigest: 'None',
            DataDigest: 'None',
            ImmediateData: 'Yes',
            InitialR2T: 'Yes',
            MaxRecvDataSegmentLength: '262144',
            MaxBurstLength: '262144',
            FirstBurstLength: '65536',
            MaxOutstandingR2T: '1',
            ErrorRecoveryLevel: '0',
            DataPDUInOrder: 'Yes',
            DataSequenceInOrder: 'Yes',
            MaxConnections: '1',
            DefaultTime2Wait: '0',
            DefaultTime2Retain: '0',
          };
      offered = true;
      const r = await send(stage === 0 ? 0 : 1, 3, true, keys);
      const num = (k: string, dflt: number) => Number(r.keys.get(k) ?? dflt);
      this.targetMaxRecv = num('MaxRecvDataSegmentLength', this.targetMaxRecv);
      this.maxBurst = Math.min(this.maxBurst, num('MaxBurstLength', this.maxBurst));
      this.firstBurst = Math.min(this.firstBurst, num('FirstBurstLength', this.firstBurst));
      if (r.keys.has('ImmediateData')) this.immediateData = r.keys.get('ImmediateData') === 'Yes';
      if (r.keys.has('InitialR2T')) this.initialR2T = r.keys.get('InitialR2T') === 'Yes';
      if ((r.flags & 0x80) !== 0) stage = r.flags & 0x3;
    }
    if (stage !== 3) throw new Error('login did not reach full feature phase');
  }

  /** Rejects once the connection is gone; one promise, so waiting on it adds no listener. */
  private closedPromise(): Promise<never> {
    this.closed ??= new Promise<never>((_res, rej) => {
      if (this.closedError) rej(this.closedError);
      else
        this.socket.once('close', () =>
          rej(this.closedError ?? new ConnectionLost('connection closed')),
        );
    });
    this.closed.catch(() => undefined);
    return this.closed;
  }

  private fail(e: Error): void {
    if (this.closedError) return;
    this.closedError = e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
    this.socket.destroy();
  }

  private write(bhs: Buffer, data?: Buffer): void {
    if (this.closedError) return;
    this.socket.cork();
    this.socket.write(bhs);
    if (data && data.length > 0) {
      this.socket.write(data);
      const padding = pad4(data.length) - data.length;
      if (padding) this.socket.write(Buffer.alloc(padding));
    }
    this.socket.uncork();
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    for (;;) {
      if (this.buf.length < 48) return;
      const ahs = (this.buf[4] as number) * 4;
      const dsl = this.buf.readUIntBE(5, 3);
      const total = 48 + ahs + pad4(dsl);
      if (this.buf.length < total) return;
      const bhs = this.buf.subarray(0, 48);
      const data = this.buf.subarray(48 + ahs, 48 + ahs + dsl);
      this.buf = this.buf.subarray(total);
      this.onPdu(Buffer.from(bhs), Buffer.from(data));
    }
  }

  private onPdu(bhs: Buffer, data: Buffer): void {
    const op = (bhs[0] as number) & 0x3f;
    const itt = bhs.readUInt32BE(16);
    switch (op) {
      case Op.LOGIN_RESPONSE: {
        const w = this.loginWaiter;
        this.loginWaiter = null;
        w?.({ bhs, data });
        return;
      }
      case Op.DATA_IN: {
        const p = this.pending.get(itt);
        if (!p) return;
        const offset = bhs.readUInt32BE(40);
        p.chunks.push({ offset, data });
        if ((bhs[1] as number) & 0x01) {
          this.expStatSN = bhs.readUInt32BE(24) + 1;
          this.finish(itt, bhs[3] as number, Buffer.alloc(0));
        }
        return;
      }
      case Op.SCSI_RESPONSE: {
        this.expStatSN = bhs.readUInt32BE(24) + 1;
        let sense: Buffer = Buffer.alloc(0);
        if (data.length >= 2) sense = data.subarray(2, 2 + data.readUInt16BE(0));
        this.finish(itt, bhs[3] as number, sense);
        return;
      }
      case Op.R2T: {
        const p = this.pending.get(itt);
        if (!p) return;
        const ttt = bhs.readUInt32BE(20);
        const offset = bhs.readUInt32BE(40);
        const length = bhs.readUInt32BE(44);
        this.sendDataOut(itt, ttt, p, offset, length);
        return;
      }
      case Op.NOP_IN: {
        const ttt = bhs.readUInt32BE(20);
        if (ttt === 0xffff_ffff) return;
        const out = Buffer.alloc(48);
        out[0] = 0x40 | Op.NOP_OUT;
        out[1] = 0x80;
        bhs.copy(out, 8, 8, 16);
        out.writeUInt32BE(0xffff_ffff, 16);
        out.writeUInt32BE(ttt, 20);
        out.writeUInt32BE(this.cmdSN, 24);
        out.writeUInt32BE(this.expStatSN, 28);
        this.write(out, data);
        return;
      }
      case Op.TMF_RESPONSE: {
        this.expStatSN = bhs.readUInt32BE(24) + 1;
        this.tmfWaiters.get(itt)?.(bhs[2] as number);
        this.tmfWaiters.delete(itt);
        return;
      }
      case Op.ASYNC:
      case Op.LOGOUT_RESPONSE:
        return;
      case Op.REJECT:
        this.fail(new Error(`target sent Reject, reason ${bhs[2]}`));
        return;
      default:
        return;
    }
  }

  private finish(itt: number, status: number, sense: Buffer): void {
    const p = this.pending.get(itt);
    if (!p) return;
    this.pending.delete(itt);
    const out = Buffer.alloc(p.expectedIn);
    let filled = 0;
    for (const c of p.chunks) {
      c.data.copy(out, c.offset);
      filled = Math.max(filled, c.offset + c.data.length);
    }
    p.resolve({ status, data: out.subarray(0, filled), sense });
  }

  private sendDataOut(itt: number, ttt: number, p: Pending, offset: number, length: number): void {
    let dataSN = 0;
    for (let done = 0; done < length; ) {
      const n = Math.min(this.targetMaxRecv, length - done);
      const bhs = Buffer.alloc(48);
      bhs[0] = Op.DATA_OUT;
      bhs[1] = done + n === length ? 0x80 : 0;
      bhs.writeUIntBE(n, 5, 3);
      lunField(p.lun).copy(bhs, 8);
      bhs.writeUInt32BE(itt, 16);
      bhs.writeUInt32BE(ttt, 20);
      bhs.writeUInt32BE(this.expStatSN, 28);
      bhs.writeUInt32BE(dataSN++, 36);
      bhs.writeUInt32BE(offset + done, 40);
      this.write(bhs, p.dataOut.subarray(offset + done, offset + done + n));
      done += n;
    }
  }

  /** Sends one SCSI command; resolves with status, Data-In and sense, rejects if the link drops. */
  command(cdb: Buffer, opts: CommandOptions = {}): Promise<ScsiResult> {
    return this.start(cdb, opts).result;
  }

  /** Sends one SCSI command and returns its tag at once, for a task management function. */
  start(cdb: Buffer, opts: CommandOptions = {}): Task {
    if (this.closedError) return { itt: 0, result: Promise.reject(this.closedError) };
    const lun = opts.lun ?? 0;
    const dataOut = opts.dataOut ?? Buffer.alloc(0);
    const expectedIn = opts.dataInLength ?? 0;
    const itt = this.itt++;
    const bhs = Buffer.alloc(48);
    bhs[0] = Op.SCSI_COMMAND;
    bhs[1] = 0x80 | (expectedIn > 0 ? 0x40 : 0) | (dataOut.length > 0 ? 0x20 : 0) | 0x01; // F, R, W, SIMPLE
    const immediate = this.immediateData
      ? Math.min(dataOut.length, this.firstBurst, this.targetMaxRecv)
      : 0;
    bhs.writeUIntBE(immediate, 5, 3);
    lunField(lun).copy(bhs, 8);
    bhs.writeUInt32BE(itt, 16);
    bhs.writeUInt32BE(dataOut.length > 0 ? dataOut.length : expectedIn, 20);
    bhs.writeUInt32BE(this.cmdSN++, 24);
    bhs.writeUInt32BE(this.expStatSN, 28);
    cdb.copy(bhs, 32, 0, Math.min(16, cdb.length));
    const cmdSN = this.cmdSN - 1;
    const promise = new Promise<ScsiResult>((resolve, reject) => {
      this.pending.set(itt, { resolve, reject, dataOut, lun, chunks: [], expectedIn, cmdSN });
    });
    this.write(bhs, dataOut.subarray(0, immediate));
    if (!this.initialR2T && immediate < dataOut.length) {
      const p = this.pending.get(itt) as Pending;
      const unsolicited = Math.min(dataOut.length, this.firstBurst) - immediate;
      if (unsolicited > 0) this.sendDataOut(itt, 0xffff_ffff, p, immediate, unsolicited);
    }
    return { itt, result: promise };
  }

  /**
   * ABORT TASK (RFC 7143 §11.5.1), sent immediate; resolves with the response code. A command
   * still unanswered when the response comes was aborted: it rejects with TaskAborted.
   */
  async abortTask(refItt: number, lun = 0): Promise<number> {
    if (this.closedError) throw this.closedError;
    const itt = this.itt++;
    const bhs = Buffer.alloc(48);
    bhs[0] = 0x40 | Op.TMF_REQUEST;
    bhs[1] = 0x80 | 0x01;
    lunField(lun).copy(bhs, 8);
    bhs.writeUInt32BE(itt, 16);
    bhs.writeUInt32BE(refItt, 20);
    bhs.writeUInt32BE(this.cmdSN, 24);
    bhs.writeUInt32BE(this.expStatSN, 28);
    bhs.writeUInt32BE(this.pending.get(refItt)?.cmdSN ?? this.cmdSN - 1, 32); // RefCmdSN
    const response = new Promise<number>((res) => this.tmfWaiters.set(itt, res));
    this.write(bhs);
    const code = await Promise.race([response, this.closedPromise()]);
    const p = this.pending.get(refItt);
    if (p) {
      this.pending.delete(refItt);
      p.reject(new TaskAborted(`task ${refItt} aborted`));
    }
    return code;
  }

  /** TEST UNIT READY until GOOD: consumes the power-on unit attention of a new nexus. */
  async clearUnitAttention(lun = 0): Promise<void> {
    for (let i = 0; i < 8; i++) {
      const r = await this.command(Buffer.alloc(6), { lun });
      if (r.status === 0) return;
    }
    throw new Error('TEST UNIT READY never returned GOOD');
  }

  async read16(lba: number, blocks: number, blockSize: number, lun = 0): Promise<ScsiResult> {
    const cdb = Buffer.alloc(16);
    cdb[0] = 0x88;
    cdb.writeUInt32BE(Math.floor(lba / 2 ** 32), 2);
    cdb.writeUInt32BE(lba >>> 0, 6);
    cdb.writeUInt32BE(blocks, 10);
    return this.command(cdb, { lun, dataInLength: blocks * blockSize });
  }

  async write16(
    lba: number,
    data: Buffer,
    blockSize: number,
    opts: { fua?: boolean; lun?: number } = {},
  ): Promise<ScsiResult> {
    const cdb = Buffer.alloc(16);
    cdb[0] = 0x8a;
    cdb[1] = opts.fua ? 0x08 : 0;
    cdb.writeUInt32BE(Math.floor(lba / 2 ** 32), 2);
    cdb.writeUInt32BE(lba >>> 0, 6);
    cdb.writeUInt32BE(data.length / blockSize, 10);
    return this.command(cdb, { lun: opts.lun ?? 0, dataOut: data });
  }

  /** SYNCHRONIZE CACHE(10) of the whole medium. */
  async synchronizeCache(lun = 0): Promise<ScsiResult> {
    const cdb = Buffer.alloc(10);
    cdb[0] = 0x35;
    return this.command(cdb, { lun });
  }

  /** ZBC OUT RESET WRITE POINTER of the zone starting at `zoneStart`. */
  async resetWritePointer(zoneStart: number, lun = 0): Promise<ScsiResult> {
    const cdb = Buffer.alloc(16);
    cdb[0] = 0x94;
    cdb[1] = 0x04;
    cdb.writeUInt32BE(Math.floor(zoneStart / 2 ** 32), 2);
    cdb.writeUInt32BE(zoneStart >>> 0, 6);
    return this.command(cdb, { lun });
  }

  /** REPORT ZONES (ZBC IN 95h/00h) from `startLba`, reporting option ALL; decoded descriptors. */
  async reportZones(startLba: number, maxZones: number, lun = 0): Promise<ZoneDescriptor[]> {
    const cdb = Buffer.alloc(16);
    cdb[0] = 0x95;
    cdb[1] = 0x00;
    cdb.writeUInt32BE(Math.floor(startLba / 2 ** 32), 2);
    cdb.writeUInt32BE(startLba >>> 0, 6);
    const alloc = 64 + 64 * maxZones;
    cdb.writeUInt32BE(alloc, 10);
    const r = await this.command(cdb, { lun, dataInLength: alloc });
    if (r.status !== 0)
      throw new Error(
        `REPORT ZONES failed: status ${r.status} sense ${JSON.stringify(senseTriple(r.sense))}`,
      );
    const listBytes = r.data.readUInt32BE(0);
    const zones: ZoneDescriptor[] = [];
    for (let at = 64; at + 64 <= Math.min(r.data.length, 64 + listBytes); at += 64) {
      const d = r.data.subarray(at, at + 64);
      const u64 = (o: number) => d.readUInt32BE(o) * 2 ** 32 + d.readUInt32BE(o + 4);
      zones.push({
        type: (d[0] as number) & 0xf,
        condition: (d[1] as number) >> 4,
        length: u64(8),
        start: u64(16),
        writePointer: u64(24),
      });
    }
    return zones;
  }

  /** Logout (best effort) and close. */
  async close(): Promise<void> {
    if (this.closedError) return;
    const bhs = Buffer.alloc(48);
    bhs[0] = 0x40 | Op.LOGOUT_REQUEST;
    bhs[1] = 0x80;
    bhs.writeUInt32BE(this.itt++, 16);
    bhs.writeUInt32BE(this.cmdSN, 24);
    bhs.writeUInt32BE(this.expStatSN, 28);
    this.write(bhs);
    await Promise.race([
      this.closedPromise().catch(() => undefined),
      new Promise((r) => setTimeout(r, 500)),
    ]);
    this.fail(new ConnectionLost('closed by initiator'));
  }

  /** Drops the TCP connection at once (no logout). */
  destroy(): void {
    this.fail(new ConnectionLost('destroyed by initiator'));
  }
}

export interface ZoneDescriptor {
  readonly type: number;
  readonly condition: number;
  readonly length: number;
  readonly start: number;
  readonly writePointer: number;
}
