// ZBC-2 REPORT ZONES: zone selection, PARTIAL, allocation lengths, SAME, header and WP fields.
// Decoded here by hand (not with the encoder's helpers).
import { describe, expect, it } from 'vitest';
import { ZoneModel } from '../../../zbc/zone-model.js';
import { ZoneCondition as C, type ReportZonesRequest } from '../../../zbc/types.js';
import { act, gapLayout, smallLayout, write, zs } from './fixtures.js';
import { isZoneFault, settled } from '../../helpers/zone-result.js';

interface Decoded {
  listLength: number;
  same: number;
  maxLba: bigint;
  granularity: bigint;
  zones: { type: number; cond: number; attrs: number; length: bigint; start: bigint; wp: bigint }[];
  bytes: Buffer;
}

function report(m: ZoneModel, req: Partial<ReportZonesRequest>): Decoded | string {
  const r = settled(
    m.reportZones({ startLba: 0, option: 0, partial: false, allocationLength: 65536, ...req }),
  );
  if (isZoneFault(r)) return r.kind;
  const out = Buffer.alloc(r.size);
  r.encode(out);
  const bytes = out.subarray(0, Math.min(r.size, req.allocationLength ?? 65536));
  const zones = [];
  for (let at = 64; at + 64 <= bytes.length; at += 64) {
    zones.push({
      type: bytes[at]! & 0x0f,
      cond: bytes[at + 1]! >> 4,
      attrs: bytes[at + 1]! & 0x03,
      length: bytes.readBigUInt64BE(at + 8),
      start: bytes.readBigUInt64BE(at + 16),
      wp: bytes.readBigUInt64BE(at + 24),
    });
  }
  return {
    listLength: bytes.length >= 4 ? bytes.readUInt32BE(0) : -1,
    same: bytes.length >= 5 ? bytes[4]! & 0x0f : -1,
    maxLba: bytes.length >= 16 ? bytes.readBigUInt64BE(8) : -1n,
    granularity: bytes.length >= 24 ? bytes.readBigUInt64BE(16) : -1n,
    zones,
    bytes,
  };
}

function decoded(x: Decoded | string): Decoded {
  if (typeof x === 'string') throw new Error(x);
  return x;
}

const ALL_ONES = 0xffff_ffff_ffff_ffffn;

/** zone 2 IOPEN (wp +8), 3 EOPEN, 4 CLOSED, 5 FULL, 6 read-only, 7 offline; 0,1 conventional. */
function busy(): ZoneModel {
  const m = new ZoneModel(smallLayout({ readOnlyZones: [6], offlineZones: [7] }));
  act(m, 'finish', zs(5));
  write(m, zs(4), 16);
  act(m, 'close', zs(4));
  write(m, zs(2), 8);
  act(m, 'open', zs(3));
  return m;
}

describe('REPORT ZONES reporting options (ZBC-2 REPORTING OPTIONS field)', () => {
  const cases = [
    { option: 0x00, zones: [0, 1, 2, 3, 4, 5, 6, 7] },
    { option: 0x01, zones: [] },
    { option: 0x02, zones: [2] },
    { option: 0x03, zones: [3] },
    { option: 0x04, zones: [4] },
    { option: 0x05, zones: [5] },
    { option: 0x06, zones: [6] },
    { option: 0x07, zones: [7] },
    { option: 0x08, zones: [] },
    { option: 0x10, zones: [] },
    { option: 0x11, zones: [] },
    { option: 0x3e, zones: [0, 1, 2, 3, 4, 5, 6, 7] },
    { option: 0x3f, zones: [0, 1] },
  ];
  it.each(cases)('option $option', ({ option, zones }) => {
    const r = decoded(report(busy(), { option }));
    expect(r.zones.map((z) => Number(z.start) / 64)).toEqual(zones);
    expect(r.listLength).toBe(zones.length * 64);
    expect(r.maxLba).toBe(511n);
  });

  it.each([0x09, 0x0f, 0x12, 0x20, 0x3d])('reserved option %s', (option) => {
    expect(report(busy(), { option })).toBe('invalid-reporting-option');
  });

  it('option 3Eh omits gap zones, 3Fh lists conventional and gap zones, 11h NON_SEQ zones', () => {
    const g = new ZoneModel(gapLayout());
    expect(decoded(report(g, { option: 0x3e })).zones.map((z) => z.type)).toEqual([
      1, 1, 2, 2, 2, 2,
    ]);
    expect(decoded(report(g, { option: 0x3f })).zones.map((z) => z.type)).toEqual([
      1, 1, 5, 5, 5, 5,
    ]);
    const ha = new ZoneModel(smallLayout({ model: 'host-aware' }));
    write(ha, zs(4) + 8, 8);
    const r = decoded(report(ha, { option: 0x11 }));
    expect(r.zones).toHaveLength(1);
    expect(r.zones[0]).toMatchObject({
      start: BigInt(zs(4)),
      attrs: 0x2,
      type: 3,
      cond: C.IMPLICITLY_OPENED,
    });
  });
});

describe('REPORT ZONES descriptors and header (ZBC-2 REPORT ZONES parameter data)', () => {
  it('WRITE POINTER LBA per condition', () => {
    const r = decoded(report(busy(), {}));
    const wps = r.zones.map((z) => z.wp);
    expect(wps).toEqual([
      ALL_ONES,
      ALL_ONES,
      BigInt(zs(2) + 8),
      BigInt(zs(3)),
      BigInt(zs(4) + 16),
      BigInt(zs(6)),
      ALL_ONES,
      ALL_ONES,
    ]);
    expect(r.zones.map((z) => z.cond)).toEqual([0, 0, 2, 3, 4, 0xe, 0xd, 0xf]);
    expect(r.zones.map((z) => z.type)).toEqual([1, 1, 2, 2, 2, 2, 2, 2]);
    expect(r.zones.every((z) => z.length === 64n)).toBe(true);
  });

  it('granularity and MAXIMUM LBA with gap zones', () => {
    const r = decoded(report(new ZoneModel(gapLayout()), {}));
    expect(r.granularity).toBe(64n);
    expect(r.maxLba).toBe(383n);
    expect(r.zones.map((z) => [Number(z.start), Number(z.length)])).toEqual([
      [0, 64],
      [64, 64],
      [128, 48],
      [176, 16],
      [192, 48],
      [240, 16],
      [256, 48],
      [304, 16],
      [320, 48],
      [368, 16],
    ]);
    expect(decoded(report(busy(), {})).granularity).toBe(0n);
  });

  it('SAME describes the listed descriptors', () => {
    expect(decoded(report(busy(), {})).same).toBe(3); // equal lengths, types differ
    expect(decoded(report(busy(), { startLba: zs(2) })).same).toBe(1);
    expect(decoded(report(new ZoneModel(gapLayout()), {})).same).toBe(0);
    const runt = new ZoneModel(smallLayout({ capacityBlocks: 8 * 64 - 16 }));
    expect(decoded(report(runt, { option: 0x01 })).same).toBe(2); // same type, shorter last zone
    expect(decoded(report(runt, {})).same).toBe(0);
    expect(decoded(report(busy(), { option: 0x01 })).same).toBe(0); // no descriptors
  });

  it('SAME agrees with ZBC-2 table 40 applied to the descriptors, every option and start', () => {
    // ZBC-2 table 40 over the decoded list: 1 all equal, 2 equal but a different last length,
    // 3 equal lengths but types differ, 0 otherwise.
    const expected = (zones: Decoded['zones']): number => {
      if (zones.length === 0) return 0;
      const [first, last] = [zones[0]!, zones[zones.length - 1]!];
      const lengthsButLast = zones.slice(0, -1).every((z) => z.length === first.length);
      const types = zones.every((z) => z.type === first.type);
      if (lengthsButLast && types) return last.length === first.length ? 1 : 2;
      return lengthsButLast && last.length === first.length ? 3 : 0;
    };
    const models = [
      busy(),
      new ZoneModel(smallLayout({ capacityBlocks: 8 * 64 - 16 })),
      new ZoneModel(gapLayout()),
      new ZoneModel(smallLayout({ conventionalZones: 0 })),
    ];
    for (const m of models) {
      for (const option of [0x00, 0x01, 0x02, 0x04, 0x05, 0x06, 0x07, 0x3e, 0x3f]) {
        for (const startLba of [0, zs(1), zs(2), zs(6)]) {
          const r = report(m, { option, startLba });
          if (typeof r === 'string') continue; // a start beyond this layout's capacity
          expect(r.same, `option ${option} from ${startLba}`).toBe(expected(r.zones));
        }
      }
    }
  });
});

describe('REPORT ZONES start LBA, PARTIAL and allocation length (ZBC-2)', () => {
  it('a start LBA inside a zone starts the list at that zone', () => {
    const r = decoded(report(busy(), { startLba: zs(3) + 5 }));
    expect(r.zones.map((z) => Number(z.start))).toEqual([zs(3), zs(4), zs(5), zs(6), zs(7)]);
    expect(decoded(report(busy(), { startLba: 511 })).zones.map((z) => Number(z.start))).toEqual([
      zs(7),
    ]);
  });

  it('a start LBA beyond MAXIMUM LBA is out of range', () => {
    expect(report(busy(), { startLba: 512 })).toBe('zone-id-out-of-range');
    expect(report(busy(), { startLba: 2n ** 63n })).toBe('zone-id-out-of-range');
  });

  it('PARTIAL = 0: ZONE LIST LENGTH covers every match, the data is cut', () => {
    const r = decoded(report(busy(), { allocationLength: 192 }));
    expect(r.listLength).toBe(8 * 64);
    expect(r.zones).toHaveLength(2);
    expect(r.bytes.length).toBe(192);
  });

  it('PARTIAL = 1: ZONE LIST LENGTH covers what fits', () => {
    expect(decoded(report(busy(), { partial: true, allocationLength: 192 })).listLength).toBe(128);
    expect(decoded(report(busy(), { partial: true, allocationLength: 191 })).listLength).toBe(64);
    expect(decoded(report(busy(), { partial: true, allocationLength: 127 })).listLength).toBe(0);
    expect(decoded(report(busy(), { partial: true, allocationLength: 4096 })).listLength).toBe(512);
  });

  const sizes = [
    { alloc: 0, size: 0 },
    { alloc: 1, size: 64 },
    { alloc: 63, size: 64 },
    { alloc: 64, size: 64 },
    { alloc: 65, size: 128 },
    { alloc: 100, size: 128 },
    { alloc: 576, size: 576 },
    { alloc: 100_000, size: 576 },
  ];
  it.each(sizes)(
    'allocation length $alloc builds $size bytes, never an error',
    ({ alloc, size }) => {
      const r = settled(
        busy().reportZones({ startLba: 0, option: 0, partial: false, allocationLength: alloc }),
      );
      expect(isZoneFault(r)).toBe(false);
      if (isZoneFault(r)) return;
      expect(r.size).toBe(size);
      expect(r.fullSize).toBe(576);
      const out = Buffer.alloc(r.size);
      r.encode(out);
      if (size >= 64) expect(out.readUInt32BE(0)).toBe(512);
    },
  );

  it('a truncated reply is a prefix of the full reply, possibly mid-descriptor', () => {
    const full = decoded(report(busy(), {})).bytes;
    for (const alloc of [1, 5, 63, 64, 70, 130, 575]) {
      expect(decoded(report(busy(), { allocationLength: alloc })).bytes).toEqual(
        full.subarray(0, alloc),
      );
    }
  });
});
