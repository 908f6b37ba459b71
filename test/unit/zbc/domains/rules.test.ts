// Zone rules on a domains layout (ZBC-2 4.4.3, libzbc's ZT_* tables): INACTIVE zones of every
// type, SOBR zones, GAP zones between domains, REPORT ZONES options 08h / 3Eh.
import { describe, expect, it } from 'vitest';
import { ZoneModel } from '../../../../zbc/zone-model.js';
import { ZoneCondition as C, ZoneType, type ZoneActionKind } from '../../../../zbc/types.js';
import { cmrZone, domainsLayout, smrZone, Z, zs } from './fixtures.js';
import { isZoneFault, settled } from '../../../helpers/zone-result.js';

const SOBR = ZoneType.SEQUENTIAL_OR_BEFORE_REQUIRED;
const sobrModel = (urswrz = true) => new ZoneModel(domainsLayout(SOBR, {}, { urswrz, maxOpen: 1 }));
const convModel = (urswrz = true) =>
  new ZoneModel(domainsLayout(ZoneType.CONVENTIONAL, {}, { urswrz }));

function write(m: ZoneModel, lba: number, blocks: number): string {
  const p = settled(m.planWrite(lba, blocks));
  if (isZoneFault(p)) return p.kind;
  m.commitWrite(p);
  m.writeCompleted(p);
  return 'ok';
}
const read = (m: ZoneModel, lba: number, blocks: number): string => {
  const r = settled(m.checkRead(lba, blocks));
  return isZoneFault(r) ? r.kind : 'ok';
};
const act = (m: ZoneModel, action: ZoneActionKind, zone: number, all = false): string => {
  const r = settled(m.zoneAction({ action, zoneId: zs(zone), count: 0, all }));
  return isZoneFault(r) ? r.kind : 'ok';
};

describe('INACTIVE zones', () => {
  // Realm 2 is SMR: its CMR zones (4, 5) are INACTIVE; realm 0 is CMR: SMR zones 9-11 INACTIVE.
  it('report condition 5h with type kept, and REPORT ZONES option 08h lists exactly them', () => {
    const m = convModel();
    expect([m.zoneAt(cmrZone(2)).type, m.zoneAt(cmrZone(2)).condition]).toEqual([
      ZoneType.CONVENTIONAL,
      C.INACTIVE,
    ]);
    expect([m.zoneAt(smrZone(0)).type, m.zoneAt(smrZone(0)).condition]).toEqual([
      ZoneType.SEQUENTIAL_WRITE_REQUIRED,
      C.INACTIVE,
    ]);
    const r = settled(
      m.reportZones({ startLba: 0, option: 0x08, partial: false, allocationLength: 8192 }),
    );
    if (isZoneFault(r)) throw new Error(r.kind);
    expect(r.fullSize).toBe(64 + 64 * (4 + 6)); // 2 CMR realms x 2 + 2 SMR realms x 3
  });

  const rows: [string, number, ZoneActionKind, string][] = [
    ['OPEN an INACTIVE SWR zone', smrZone(0), 'open', 'zone-inactive'],
    ['CLOSE an INACTIVE SWR zone', smrZone(0), 'close', 'zone-inactive'],
    ['FINISH an INACTIVE SWR zone', smrZone(0), 'finish', 'zone-inactive'],
    ['RESET an INACTIVE SWR zone', smrZone(0), 'reset', 'zone-inactive'],
    [
      'OPEN an INACTIVE conventional zone (5/24/00, libzbc 05/320)',
      cmrZone(2),
      'open',
      'invalid-zone-id',
    ],
    ['RESET an INACTIVE conventional zone', cmrZone(2), 'reset', 'invalid-zone-id'],
  ];
  it.each(rows)('%s -> %s', (_n, zone, action, want) => {
    expect(act(convModel(), action, zone)).toBe(want);
  });

  // An INACTIVE SOBR zone is INACTIVE first: 7/2C/12, not the 5/24/00 of an active SOBR zone's
  // OPEN / CLOSE / FINISH (libzbc 05/322, 332, 342, 352).
  it.each(['open', 'close', 'finish', 'reset'] as const)('%s an INACTIVE SOBR zone', (action) => {
    expect(act(sobrModel(), action, cmrZone(2))).toBe('zone-inactive');
  });

  it('writes: 7/2C/12; an SWR write running into an INACTIVE zone is a boundary violation', () => {
    const m = convModel();
    expect(write(m, zs(smrZone(0)), 8)).toBe('zone-inactive');
    expect(write(m, zs(cmrZone(2)), 8)).toBe('zone-inactive');
    // Realm 3 CMR: SWR zone 17 (realm 2) is followed by INACTIVE zone 18; CMR zone 3 by INACTIVE 4.
    const n = new ZoneModel(domainsLayout(ZoneType.CONVENTIONAL, { initialDomain: [0, 0, 1, 0] }));
    write(n, zs(smrZone(2, 2)), 56);
    expect(write(n, zs(smrZone(2, 2)) + 56, 16)).toBe('write-boundary');
    // conventional into INACTIVE
    expect(write(n, zs(cmrZone(1, 1)) + 56, 16)).toBe('zone-inactive');
    expect(write(n, zs(smrZone(2, 1)) + 56, 16)).toBe('write-boundary'); // SWR into active SWR
  });

  it('reads: URSWRZ = 0 refuses INACTIVE WP zones, never INACTIVE conventional ones', () => {
    expect(read(convModel(false), zs(smrZone(0)), 8)).toBe('zone-inactive');
    expect(read(convModel(false), zs(cmrZone(2)), 8)).toBe('ok');
    expect(read(convModel(true), zs(smrZone(0)), 8)).toBe('ok');
    expect(settled(convModel(true).checkRead(zs(smrZone(0)), 8))).toEqual([
      { lba: zs(smrZone(0)), blocks: 8, zeroFill: true },
    ]);
  });
});

describe('GAP zones between domains', () => {
  it('type 5h, condition 0h; reads, writes, zone actions: ATTEMPT TO ACCESS GAP ZONE', () => {
    const m = convModel(false);
    expect([m.zoneAt(8).type, m.zoneAt(8).condition]).toEqual([ZoneType.GAP, C.NOT_WRITE_POINTER]);
    expect(write(m, zs(8), 8)).toBe('gap-zone-access');
    expect(read(m, zs(8), 8)).toBe('gap-zone-access');
    for (const a of ['open', 'close', 'finish', 'reset'] as const)
      expect(act(m, a, 8)).toBe('gap-zone-access');
  });

  it('REPORT ZONES option 3Eh lists every zone but the GAP zone', () => {
    const m = convModel();
    const r = settled(
      m.reportZones({
        startLba: 0,
        option: 0x3e,
        partial: false,
        allocationLength: 1 << 16,
      }),
    );
    if (isZoneFault(r)) throw new Error(r.kind);
    expect(r.fullSize).toBe(64 + 64 * (m.zoneCount - 1));
  });

  it('a read or write across a domain boundary is a boundary violation', () => {
    const m = new ZoneModel(
      domainsLayout(
        ZoneType.CONVENTIONAL,
        { gapZones: 0, initialDomain: [1, 0, 0, 0] },
        { capacityBlocks: 20 * Z },
      ),
    );
    expect(read(m, zs(7) + 60, 8)).toBe('read-boundary');
    expect(write(m, zs(7) + 56, 16)).toBe('write-boundary');
  });
});

describe('SOBR zones', () => {
  // Realms 0 and 1 are active as SOBR: zones 0-3.
  it('a write may start at or below the WP, not above it (5/21/04)', () => {
    const m = sobrModel();
    expect(write(m, zs(0) + 8, 8)).toBe('unaligned-write');
    expect(write(m, zs(0), 16)).toBe('ok');
    expect([m.zoneAt(0).condition, m.zoneAt(0).writePointer]).toEqual([C.IMPLICITLY_OPENED, 16]);
    expect(write(m, zs(0), 8)).toBe('ok'); // overwrite below the WP
    expect(m.zoneAt(0).writePointer).toBe(16);
    expect(write(m, zs(0) + 24, 8)).toBe('unaligned-write');
  });

  it('a write reaching the WP must be physical-block aligned; one below it need not be', () => {
    const m = sobrModel();
    write(m, zs(0), 16);
    expect(write(m, zs(0) + 16, 3)).toBe('unaligned-write');
    expect(write(m, zs(0) + 1, 3)).toBe('ok');
    expect(write(m, zs(0) + 15, 2)).toBe('unaligned-write'); // would leave the WP at 17
    expect(write(m, zs(0) + 15, 9)).toBe('ok'); // starts below the WP, leaves it at 24
    expect(m.zoneAt(0).writePointer).toBe(24);
  });

  it('from an open zone across into a FULL one, starting below the WP (libzbc 05/192)', () => {
    const m = sobrModel();
    write(m, zs(0), Z - 8);
    write(m, zs(1), Z);
    expect(write(m, zs(1) - 9, 10)).toBe('ok');
    expect([m.zoneAt(0).condition, m.zoneAt(1).condition]).toEqual([C.FULL, C.FULL]);
    const n = sobrModel();
    write(n, zs(0), Z - 8);
    expect(write(n, zs(1) - 9, 10)).toBe('unaligned-write'); // zone 1 EMPTY: WP would be at +1
  });

  it('crosses into the next SOBR zone and fills a FULL zone again', () => {
    const m = sobrModel();
    expect(write(m, zs(0), Z + 16)).toBe('ok');
    expect([m.zoneAt(0).condition, m.zoneAt(1).condition, m.zoneAt(1).writePointer]).toEqual([
      C.FULL,
      C.IMPLICITLY_OPENED,
      zs(1) + 16,
    ]);
    expect(write(m, zs(0), 8)).toBe('ok');
    expect(m.zoneAt(0).condition).toBe(C.FULL);
  });

  it('takes no open zone resources (max open 1 here)', () => {
    const m = sobrModel();
    for (const z of [0, 1, 2]) expect(write(m, zs(z), 8)).toBe('ok');
    expect(m.openCounts.implicit).toBe(0);
    expect(write(m, zs(smrZone(2)), 8)).toBe('ok');
    expect(m.openCounts.implicit).toBe(1);
  });

  it('OPEN, CLOSE, FINISH: 5/24/00, no change; RESET empties (libzbc 02/001-008)', () => {
    const m = sobrModel();
    write(m, zs(0), 8);
    for (const a of ['open', 'close', 'finish'] as const)
      expect(act(m, a, 0)).toBe('invalid-zone-id');
    expect(m.zoneAt(0).condition).toBe(C.IMPLICITLY_OPENED);
    expect(act(m, 'finish', 1)).toBe('invalid-zone-id');
    expect(m.zoneAt(1).condition).toBe(C.EMPTY);
    expect(act(m, 'reset', 0)).toBe('ok');
    expect(m.zoneAt(0).condition).toBe(C.EMPTY);
  });

  it('ALL: CLOSE passes SOBR zones by, FINISH refuses an open one (libzbc 02/030, 02/031)', () => {
    const m = sobrModel();
    write(m, zs(0), 8);
    expect(act(m, 'close', 0, true)).toBe('ok');
    expect(m.zoneAt(0).condition).toBe(C.IMPLICITLY_OPENED);
    expect(act(m, 'finish', 0, true)).toBe('invalid-zone-id');
    expect(act(m, 'reset', 0, true)).toBe('ok');
    expect(m.zoneAt(0).condition).toBe(C.EMPTY);
  });

  it('reads with URSWRZ = 0: up to the WP, across SOBR zones; above it 5/21/06', () => {
    const m = sobrModel(false);
    write(m, zs(0), Z + 16);
    expect(read(m, zs(0) + 32, 48)).toBe('ok');
    expect(read(m, zs(0) + 32, 56)).toBe('read-invalid-data');
    expect(read(sobrModel(true), zs(0), 8)).toBe('ok');
  });
});
