// One soak session: mixed I/O on the zones it owns, every command checked. Writes go at the
// write pointer in 64 KiB pieces (FUA now and then); reads verify the LBA stamped in each block;
// REPORT ZONES checks the write pointer; a full zone is reset and the next one used; SYNCHRONIZE
// CACHE now and then; every `reconnectEvery` commands the session logs out and in again.
import { MiniInitiator, type ScsiResult, senseTriple } from '../helpers/mini-initiator.js';
import { cdb16 } from '../helpers/cdb.js';
import { Prng } from '../helpers/prng.js';

export const BS = 512;
const PIECE = 128; // blocks per write: 64 KiB

export interface SoakTarget {
  readonly host: string;
  readonly port: number;
  readonly targetName: string;
  readonly zoneBlocks: number;
}

export interface SessionCounters {
  commands: number;
  reconnects: number;
}

export class CommandFailed extends Error {}

export class SoakSession {
  private ini!: MiniInitiator;
  private zoneCursor = 0;
  /** Write pointer of each owned zone, as this session wrote it. */
  private readonly wp = new Map<number, number>();
  private readonly rng: Prng;

  constructor(
    private readonly target: SoakTarget,
    /** First LBAs of the zones this session alone writes. */
    private readonly zones: readonly number[],
    private readonly counters: SessionCounters,
    seed: number,
    /** Each session its own initiator name: the target caps sessions per initiator. */
    private readonly initiatorName: string,
    private readonly reconnectEvery = 5000,
  ) {
    this.rng = new Prng(seed);
    for (const z of zones) this.wp.set(z, z);
  }

  private async login(): Promise<void> {
    const { host, port, targetName } = this.target;
    const initiatorName = this.initiatorName;
    this.ini = await MiniInitiator.login({
      host,
      port,
      targetName,
      initiatorName,
      timeoutMs: 30_000,
    });
    await this.ini.clearUnitAttention();
  }

  private async run(
    what: string,
    cdb: Buffer,
    opts: { dataOut?: Buffer; dataInLength?: number } = {},
  ): Promise<ScsiResult> {
    const r = await this.ini.command(cdb, opts);
    this.counters.commands++;
    if (r.status !== 0) {
      throw new CommandFailed(
        `${what}: status ${r.status} sense ${JSON.stringify(senseTriple(r.sense))}`,
      );
    }
    return r;
  }

  private currentZone(): number {
    return this.zones[this.zoneCursor % this.zones.length]!;
  }

  private async write(): Promise<void> {
    const zone = this.currentZone();
    const lba = this.wp.get(zone)!;
    if (lba + PIECE > zone + this.target.zoneBlocks) {
      await this.run(`RESET WRITE POINTER ${zone}`, cdb16(0x94, zone, 0, 0x04));
      this.wp.set(zone, zone);
      this.zoneCursor++;
      return;
    }
    const data = Buffer.alloc(PIECE * BS);
    for (let k = 0; k < PIECE; k++) data.writeUInt32BE(lba + k, k * BS);
    const fua = this.rng.chance(0.1) ? 0x08 : 0;
    await this.run(`WRITE(16) ${lba}`, cdb16(0x8a, lba, PIECE, fua), { dataOut: data });
    this.wp.set(zone, lba + PIECE);
  }

  private async read(): Promise<void> {
    const zone = this.currentZone();
    const written = this.wp.get(zone)! - zone;
    if (written === 0) return this.write();
    const blocks = Math.min(written, this.rng.pick([8, 64, 128]));
    const lba = zone + this.rng.int(0, written - blocks);
    const r = await this.run(`READ(16) ${lba}`, cdb16(0x88, lba, blocks), {
      dataInLength: blocks * BS,
    });
    for (let k = 0; k < blocks; k++) {
      const stamped = r.data.readUInt32BE(k * BS);
      if (stamped !== lba + k)
        throw new CommandFailed(`READ(16) ${lba}: block ${lba + k} holds ${stamped}`);
    }
  }

  private async reportZone(): Promise<void> {
    const zone = this.currentZone();
    const cdb = cdb16(0x95, zone, 128);
    const r = await this.run(`REPORT ZONES ${zone}`, cdb, { dataInLength: 128 });
    const d = r.data.subarray(64, 128);
    const wp = Number(d.readBigUInt64BE(24));
    const full = d[1]! >> 4 === 0xe;
    const expected = this.wp.get(zone)!;
    if (!full && wp !== expected)
      throw new CommandFailed(`REPORT ZONES ${zone}: WP ${wp}, wrote to ${expected}`);
  }

  /** Runs until `stopAt` (ms since epoch); throws CommandFailed on the first bad answer. */
  async loop(stopAt: number): Promise<void> {
    await this.login();
    let sinceLogin = 0;
    while (Date.now() < stopAt) {
      const op = this.rng.weighted({ write: 60, read: 30, report: 6, sync: 4 });
      if (op === 'write') await this.write();
      else if (op === 'read') await this.read();
      else if (op === 'report') await this.reportZone();
      else await this.run('SYNCHRONIZE CACHE(10)', Buffer.from([0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
      if (++sinceLogin >= this.reconnectEvery) {
        await this.ini.close();
        await this.login();
        this.counters.reconnects++;
        sinceLogin = 0;
      }
    }
    await this.ini.close();
  }
}
