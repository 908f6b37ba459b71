// A slow, separately written host-managed reference model (ZBC-2 4.4 zone conditions, 5.x ZBC
// OUT and REPORT ZONES): arrays of plain objects, linear scans, no counters. Used only by the
// property tests and the model-based test through the wire; imports nothing from zbc/ but types.
import type { ZoneLayoutConfig } from '../../../zbc/types.js';

const CONV = 1;
const SWR = 2;
const GAP = 5;
const EMPTY = 1;
const IOPEN = 2;
const EOPEN = 3;
const CLOSED = 4;
const RO = 0xd;
const FULL = 0xe;
const OFFLINE = 0xf;

/** REPORTING OPTIONS (ZBC-2 table 38) on a host-managed LU, which has no zone attributes set. */
const REPORT_MATCH = new Map<number, (z: RefZone) => boolean>([
  [0x00, () => true],
  [0x01, (z) => z.cond === EMPTY],
  [0x02, (z) => z.cond === IOPEN],
  [0x03, (z) => z.cond === EOPEN],
  [0x04, (z) => z.cond === CLOSED],
  [0x05, (z) => z.cond === FULL],
  [0x06, (z) => z.cond === RO],
  [0x07, (z) => z.cond === OFFLINE],
  [0x08, () => false], // INACTIVE: none here
  [0x10, () => false], // RWP RECOMMENDED
  [0x11, () => false], // NON-SEQUENTIAL WRITE RESOURCES ACTIVE
  [0x3e, (z) => z.type !== GAP],
  [0x3f, (z) => z.cond === 0], // NOT WRITE POINTER
]);

/** SAME (ZBC-2 table 40): 1 all alike, 2 alike but the last's length, 3 lengths alike, else 0. */
function sameField(zones: readonly RefZone[]): number {
  if (zones.length === 0) return 0;
  const first = zones[0]!;
  const last = zones[zones.length - 1]!;
  const butLast = zones.slice(0, -1);
  const lengthsButLast = butLast.every((z) => z.len === first.len);
  const typesAlike = zones.every((z) => z.type === first.type);
  if (typesAlike && lengthsButLast) return last.len === first.len ? 1 : 2;
  return lengthsButLast && last.len === first.len ? 3 : 0;
}

export interface RefZone {
  type: number;
  cond: number;
  start: number;
  len: number;
  wp: number;
  dataEnd: number;
}

export type RefResult = string; // 'ok' or a ZoneFault kind

export class ReferenceModel {
  readonly zones: RefZone[] = [];
  constructor(private readonly layout: ZoneLayoutConfig) {
    let lba = 0;
    let n = 0;
    while (lba < layout.capacityBlocks) {
      const conv = n < layout.conventionalZones;
      const swrLen = conv ? layout.zoneSizeBlocks : layout.zoneCapacityBlocks;
      const len = Math.min(swrLen, layout.capacityBlocks - lba);
      this.zones.push({
        type: conv ? CONV : SWR,
        cond: conv ? 0 : EMPTY,
        start: lba,
        len,
        wp: lba,
        dataEnd: lba,
      });
      lba += len;
      if (
        !conv &&
        layout.zoneCapacityBlocks < layout.zoneSizeBlocks &&
        lba < layout.capacityBlocks
      ) {
        const gap = Math.min(
          layout.zoneSizeBlocks - layout.zoneCapacityBlocks,
          layout.capacityBlocks - lba,
        );
        this.zones.push({ type: GAP, cond: 0, start: lba, len: gap, wp: lba, dataEnd: lba });
        lba += gap;
      }
      n++;
    }
    for (const i of layout.readOnlyZones) this.zones[i]!.cond = RO;
    for (const i of layout.offlineZones) this.zones[i]!.cond = OFFLINE;
  }

  private at(lba: number): number {
    return this.zones.findIndex((z) => lba >= z.start && lba < z.start + z.len);
  }
  private openCount(): number {
    return this.zones.filter((z) => z.cond === IOPEN || z.cond === EOPEN).length;
  }
  private canOpen(): boolean {
    const max = this.layout.maxOpen;
    return max === null || this.openCount() < max || this.zones.some((z) => z.cond === IOPEN);
  }
  private makeRoom(): void {
    const max = this.layout.maxOpen;
    if (max === null || this.openCount() < max) return;
    const victim = this.zones.find((z) => z.cond === IOPEN);
    if (victim) victim.cond = victim.wp === victim.start ? EMPTY : CLOSED;
  }

  write(lba: number, blocks: number): RefResult {
    if (blocks === 0) return 'ok';
    const f = this.at(lba);
    const l = this.at(lba + blocks - 1);
    const z = this.zones[f]!;
    const range = this.zones.slice(f, l + 1);
    if (z.type === GAP) return 'gap-zone-access';
    if (range.some((r) => r.cond === OFFLINE)) return 'zone-offline';
    if (range.some((r) => r.cond === RO)) return 'zone-read-only';
    if (z.type === CONV) return range.every((r) => r.type === CONV) ? 'ok' : 'write-boundary';
    if (l !== f) return 'write-boundary';
    if (z.cond === FULL) return 'write-to-full-zone';
    const per = this.layout.physicalBlockSize / this.layout.blockSize;
    if (lba !== z.wp || lba % per !== 0 || blocks % per !== 0) return 'unaligned-write';
    if ((z.cond === EMPTY || z.cond === CLOSED) && !this.canOpen())
      return 'insufficient-zone-resources';
    if (z.cond === EMPTY || z.cond === CLOSED) {
      this.makeRoom();
      z.cond = IOPEN;
    }
    z.wp += blocks;
    z.dataEnd = z.wp;
    if (z.wp === z.start + z.len) z.cond = FULL;
    return 'ok';
  }

  /** Zero-fill blocks of a read, or its fault. */
  read(lba: number, blocks: number): RefResult | number {
    if (blocks === 0) return 0;
    const f = this.at(lba);
    const l = this.at(lba + blocks - 1);
    const range = this.zones.slice(f, l + 1);
    if (range.some((r) => r.cond === OFFLINE)) return 'zone-offline';
    if (range.some((r) => r.type !== range[0]!.type)) return 'read-boundary';
    // URSWRZ = 0 (ZBC-2 4.4.3.x): no gap reads, no read across sequential zones or past the WP
    // of one that is not FULL (READ ONLY zones have no WP and read as stored).
    if (!this.layout.urswrz) {
      const z = range[0]!;
      if (z.type === GAP) return 'gap-zone-access';
      if (z.type === SWR && range.length > 1) return 'read-boundary';
      const readable = z.cond === FULL || z.cond === RO;
      if (z.type === SWR && !readable && lba + blocks > z.wp) return 'read-invalid-data';
    }
    let zeros = 0;
    for (let b = lba; b < lba + blocks; b++) {
      const z = this.zones[this.at(b)]!;
      if (z.type === GAP || (z.type === SWR && z.cond !== RO && b >= z.dataEnd)) zeros++;
    }
    return zeros;
  }

  /** True when block `b` reads as zeros: gap zones, and sequential zones above the data written. */
  readsZero(b: number): boolean {
    const z = this.zones[this.at(b)]!;
    return z.type === GAP || (z.type === SWR && z.cond !== RO && b >= z.dataEnd);
  }

  /** A deep copy, to try a command whose outcome is not known (an aborted task). */
  clone(): ReferenceModel {
    const copy = new ReferenceModel(this.layout);
    this.zones.forEach((z, i) => Object.assign(copy.zones[i]!, z));
    return copy;
  }

  /**
   * REPORT ZONES (ZBC-2 5.x): the parameter data cut to the allocation length, or a fault.
   * PARTIAL = 0: ZONE LIST LENGTH counts every match from the zone holding `startLba` to the end.
   */
  reportZones(
    option: number,
    startLba: number,
    partial: boolean,
    alloc: number,
  ): RefResult | Buffer {
    const match = REPORT_MATCH.get(option);
    if (match === undefined) return 'invalid-reporting-option';
    if (startLba >= this.layout.capacityBlocks) return 'zone-id-out-of-range';
    let listed = this.zones.slice(this.at(startLba)).filter(match);
    if (partial) listed = listed.slice(0, Math.max(0, Math.floor((alloc - 64) / 64)));
    const out = Buffer.alloc(64 + 64 * listed.length);
    out.writeUInt32BE(64 * listed.length, 0);
    out[4] = sameField(listed);
    out.writeBigUInt64BE(BigInt(this.layout.capacityBlocks - 1), 8);
    const gaps = this.zones.some((z) => z.type === GAP);
    out.writeBigUInt64BE(BigInt(gaps ? this.layout.zoneSizeBlocks : 0), 16);
    listed.forEach((z, k) => {
      const at = 64 + 64 * k;
      out[at] = z.type;
      out[at + 1] = z.cond << 4;
      out.writeBigUInt64BE(BigInt(z.len), at + 8);
      out.writeBigUInt64BE(BigInt(z.start), at + 16);
      // No write pointer (conventional, gap, read-only, offline): all ones.
      const noWp = z.cond === 0 || z.cond === RO || z.cond === OFFLINE;
      const wp = noWp ? 0xffff_ffff_ffff_ffffn : BigInt(z.cond === FULL ? z.start + z.len : z.wp);
      out.writeBigUInt64BE(wp, at + 24);
    });
    return out.subarray(0, Math.min(out.length, alloc));
  }

  action(
    kind: 'open' | 'close' | 'finish' | 'reset' | 'sequentialize',
    zoneId: number,
    count: number,
    all: boolean,
  ): RefResult {
    const usable = (z: RefZone) => z.type === SWR && z.cond !== RO && z.cond !== OFFLINE;
    if (all) {
      const zs = this.zones.filter(usable);
      if (kind === 'close')
        zs.filter((z) => z.cond === IOPEN || z.cond === EOPEN).forEach((z) => this.close(z));
      if (kind === 'finish') {
        zs.filter((z) => [IOPEN, EOPEN, CLOSED].includes(z.cond)).forEach((z) => {
          z.cond = FULL;
          z.wp = z.start + z.len;
        });
      }
      if (kind === 'reset') zs.forEach((z) => this.reset(z));
      if (kind === 'open') {
        const closed = zs.filter((z) => z.cond === CLOSED);
        const explicit = this.zones.filter((z) => z.cond === EOPEN).length;
        if (this.layout.maxOpen !== null && explicit + closed.length > this.layout.maxOpen) {
          return 'insufficient-zone-resources';
        }
        for (const z of closed) {
          this.makeRoom();
          z.cond = EOPEN;
        }
      }
      return 'ok';
    }
    if (zoneId >= this.layout.capacityBlocks) return 'zone-id-out-of-range';
    const f = this.at(zoneId);
    if (this.zones[f]!.start === zoneId && this.zones[f]!.type === GAP) return 'gap-zone-access';
    if (this.zones[f]!.start !== zoneId || this.zones[f]!.type !== SWR) return 'invalid-zone-id';
    const n = Math.max(1, count);
    if (f + n > this.zones.length) return 'zone-id-out-of-range';
    const range = this.zones.slice(f, f + n);
    if (range.some((z) => z.type !== SWR)) return 'invalid-zone-count';
    for (const z of range) {
      if (z.cond === RO) return 'zone-read-only';
      if (z.cond === OFFLINE) return 'zone-offline';
    }
    // Resources: simulate on a copy, then apply for real.
    if (kind === 'open' || kind === 'finish') {
      const saved = this.zones.map((z) => ({ ...z }));
      for (const z of range) {
        const ok = kind === 'open' ? this.open(z) : this.finish(z);
        if (!ok) {
          saved.forEach((s, i) => Object.assign(this.zones[i]!, s));
          return 'insufficient-zone-resources';
        }
      }
      return 'ok';
    }
    // SEQUENTIALIZE ZONE changes sequential-write-required zones in no way.
    for (const z of range) {
      if (kind === 'close' && (z.cond === IOPEN || z.cond === EOPEN)) this.close(z);
      if (kind === 'reset') this.reset(z);
    }
    return 'ok';
  }

  private close(z: RefZone): void {
    z.cond = z.wp === z.start ? EMPTY : CLOSED;
  }
  private reset(z: RefZone): void {
    z.cond = EMPTY;
    z.wp = z.start;
    z.dataEnd = z.start;
  }
  private open(z: RefZone): boolean {
    if (z.cond === IOPEN) z.cond = EOPEN;
    else if (z.cond === EMPTY || z.cond === CLOSED) {
      const explicit = this.zones.filter((x) => x.cond === EOPEN).length;
      if (this.layout.maxOpen !== null && explicit >= this.layout.maxOpen) return false;
      this.makeRoom();
      z.cond = EOPEN;
    }
    return true;
  }
  private finish(z: RefZone): boolean {
    if (z.cond === EMPTY || z.cond === CLOSED) {
      const explicit = this.zones.filter((x) => x.cond === EOPEN).length;
      if (this.layout.maxOpen !== null && explicit >= this.layout.maxOpen) return false;
      this.makeRoom();
    }
    if (z.cond !== FULL) {
      z.cond = FULL;
      z.wp = z.start + z.len;
    }
    return true;
  }
}
