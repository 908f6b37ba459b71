// A fake ScsiTarget (the mock of the other side allowed in unit tests) and a server on 127.0.0.1:0.
import {
  type LunInfo,
  type NexusId,
  type QueuedCommand,
  type ScsiCommand,
  type ScsiOutcome,
  ScsiStatus,
  type ScsiTarget,
  type TaskManagementRequest,
  TaskManagementResult,
  type TransportSense,
} from '../../../scsi/target-contract.js';
import {
  type IscsiServer,
  startIscsiServer,
  type TargetPortalConfig,
} from '../../../transport/server.js';
import { readBuffer, releaserOf } from '../../../scsi/read-buffer.js';
import type { TransportLimits } from '../../../transport/limits.js';
import { WireInitiator } from '../../helpers/wire.js';

export const TARGET = 'iqn.2026-11.test:target';
/** The InitiatorName the loopback tests log in with. */
export const INITIATOR = 'iqn.2026-11.test:initiator';
export const BS = 512;

/** Fixed-format sense (SPC-4 §4.5.3) built by hand. */
export function fixedSense(key: number, asc: number, ascq: number): Buffer {
  const s = Buffer.alloc(18);
  s[0] = 0x70;
  s[2] = key;
  s[7] = 10;
  s[12] = asc;
  s[13] = ascq;
  return s;
}

const TRANSPORT_SENSE: Record<TransportSense, [number, number, number]> = {
  'protocol-service-crc-error': [0x0b, 0x47, 0x05],
  'unexpected-unsolicited-data': [0x05, 0x0c, 0x0c],
  'incorrect-amount-of-data': [0x0b, 0x0c, 0x0d],
};

/** A 1-LUN disk in memory: READ(10), WRITE(10), TEST UNIT READY; opcode 0xC0 waits until released. */
export class FakeScsiTarget implements ScsiTarget {
  readonly name = TARGET;
  readonly disk = Buffer.alloc(BS * 1024);
  readonly executed: ScsiCommand[] = [];
  /** The data of every READ answered, in order. */
  readonly readData: Buffer[] = [];
  readonly writes: { lba: number; segments: number; bytes: number }[] = [];
  readonly tmfs: TaskManagementRequest[] = [];
  readonly created: NexusId[] = [];
  readonly lost: NexusId[] = [];
  readonly checkConditions: TransportSense[] = [];
  /** Resolvers of commands with opcode 0xC0, in arrival order. */
  readonly stalled: ((o: ScsiOutcome) => void)[] = [];
  private stallWaiters: { count: number; resolve: () => void }[] = [];

  /** Resolves once `count` 0xC0 commands have reached this target (no fixed sleep in tests). */
  waitForStalled(count: number): Promise<void> {
    if (this.stalled.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.stallWaiters.push({ count, resolve }));
  }

  /** The reordering judgement tests set (none: strict CmdSN order); every question is recorded. */
  startAhead: ((later: QueuedCommand, earlier: readonly QueuedCommand[]) => boolean) | undefined;
  readonly startAheadAsked: { later: number; earlier: number[] }[] = [];

  mayStartAhead(_nexus: NexusId, later: QueuedCommand, earlier: readonly QueuedCommand[]): boolean {
    const opcodes = { later: later.cdb[0] ?? -1, earlier: earlier.map((e) => e.cdb[0] ?? -1) };
    this.startAheadAsked.push(opcodes);
    return this.startAhead?.(later, earlier) ?? false;
  }

  luns(): readonly LunInfo[] {
    return [{ lun: 0, blockSize: BS }];
  }

  async execute(cmd: ScsiCommand): Promise<ScsiOutcome> {
    this.executed.push(cmd);
    if (cmd.lun !== 0) return { status: ScsiStatus.CHECK_CONDITION, sense: fixedSense(5, 0x25, 0) };
    const op = cmd.cdb[0];
    if (op === 0x00) return { status: ScsiStatus.GOOD };
    if (op === 0xc0) {
      return new Promise((resolve) => {
        this.stalled.push(resolve);
        const ready = this.stallWaiters.filter((w) => this.stalled.length >= w.count);
        this.stallWaiters = this.stallWaiters.filter((w) => this.stalled.length < w.count);
        for (const w of ready) w.resolve();
      });
    }
    if (op === 0x28 || op === 0x2a) {
      const lba = cmd.cdb.readUInt32BE(2);
      const blocks = cmd.cdb.readUInt16BE(7);
      const start = lba * BS;
      const length = blocks * BS;
      if (start + length > this.disk.length)
        return { status: ScsiStatus.CHECK_CONDITION, sense: fixedSense(5, 0x21, 0) };
      if (op === 0x28) {
        const out = readBuffer(length); // as the LU's READ: pooled when large
        this.disk.copy(out, 0, start, start + length);
        this.readData.push(out);
        const dataInWritten = releaserOf(out);
        return dataInWritten
          ? { status: ScsiStatus.GOOD, dataIn: out, dataInWritten }
          : { status: ScsiStatus.GOOD, dataIn: out };
      }
      let at = start;
      let total = 0;
      for (const seg of cmd.dataOut) {
        const n = Math.min(seg.length, start + length - at);
        if (n <= 0) break;
        seg.copy(this.disk, at, 0, n);
        at += n;
        total += n;
      }
      this.writes.push({ lba, segments: cmd.dataOut.length, bytes: total });
      return { status: ScsiStatus.GOOD, dataOutLength: length };
    }
    return { status: ScsiStatus.CHECK_CONDITION, sense: fixedSense(5, 0x20, 0) };
  }

  checkCondition(_lun: number, code: TransportSense): ScsiOutcome {
    this.checkConditions.push(code);
    const [k, a, q] = TRANSPORT_SENSE[code];
    return { status: ScsiStatus.CHECK_CONDITION, sense: fixedSense(k, a, q) };
  }

  async taskManagement(req: TaskManagementRequest): Promise<TaskManagementResult> {
    this.tmfs.push(req);
    return req.lun === 0 ? TaskManagementResult.COMPLETE : TaskManagementResult.NO_SUCH_LUN;
  }

  nexusLost(nexus: NexusId): void {
    this.lost.push(nexus);
  }

  nexusCreated(nexus: NexusId): void {
    this.created.push(nexus);
  }
}

export interface Harness {
  readonly server: IscsiServer;
  readonly scsi: FakeScsiTarget;
  readonly port: number;
  connect(): Promise<WireInitiator>;
  /** Connects and logs in (normal session); fails the test if the login does not succeed. */
  session(opts?: Parameters<WireInitiator['login']>[0]): Promise<WireInitiator>;
  close(): Promise<void>;
}

export async function startHarness(
  opts: {
    limits?: Partial<TransportLimits>;
    queueDepth?: number;
    target?: Partial<TargetPortalConfig>;
    extraTargets?: TargetPortalConfig[];
  } = {},
): Promise<Harness> {
  const scsi = new FakeScsiTarget();
  const server = await startIscsiServer({
    host: '127.0.0.1',
    port: 0,
    targets: [{ name: TARGET, scsi, ...opts.target }, ...(opts.extraTargets ?? [])],
    ...(opts.queueDepth === undefined ? {} : { queueDepth: opts.queueDepth }),
    limits: { nopIntervalMs: 0, ...opts.limits },
    logoutGraceMs: 300,
  });
  const port = server.address().port;
  const clients: WireInitiator[] = [];
  const connect = async () => {
    const c = await WireInitiator.connect(port);
    clients.push(c);
    return c;
  };
  return {
    server,
    scsi,
    port,
    connect,
    async session(loginOpts) {
      const c = await connect();
      const rsp = await c.login(loginOpts);
      if (rsp.opcode !== 0x23 || (((rsp.bhs[36] ?? 0) << 8) | (rsp.bhs[37] ?? 0)) !== 0) {
        throw new Error(`login failed: status ${rsp.bhs.readUInt16BE(36).toString(16)}`);
      }
      c.cmdSN = rsp.expCmdSN;
      return c;
    },
    async close() {
      for (const c of clients) c.close();
      await server.close();
    },
  };
}
