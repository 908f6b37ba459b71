// ZONE ACTIVATE / ZONE QUERY tables (ZBC-2 5.x): every unmet prerequisite with its ZIWUP, every
// CDB fault, every domain combination in both directions, query vs activate.
import { describe, expect, it } from 'vitest';
import {
  type ActivationRequest,
  isActivationFault,
  Unmet,
} from '../../../../zbc/domains/activation.js';
import { ZoneModel } from '../../../../zbc/zone-model.js';
import { ZoneCondition as C, ZoneType, type ZoneLayoutConfig } from '../../../../zbc/types.js';
import { cmrZone, domainsLayout, smrZone, Z, zs } from './fixtures.js';
import { settled } from '../../../helpers/zone-result.js';

const req = (over: Partial<ActivationRequest>): ActivationRequest => ({
  query: false,
  all: false,
  zoneId: 0,
  zoneCount: 1,
  domainId: null,
  maxActivation: 0,
  ...over,
});

function model(layout: ZoneLayoutConfig = domainsLayout()): ZoneModel {
  return new ZoneModel(layout);
}

function outcome(m: ZoneModel, r: Partial<ActivationRequest>) {
  const o = m.domains!.activate(req(r));
  if (isActivationFault(o)) throw new Error(`fault ${JSON.stringify(o)}`);
  return o;
}

/** Realm r (CMR today) as SMR: its 3 zones in domain 1. */
const toSmr = (r: number): Partial<ActivationRequest> => ({
  zoneId: zs(smrZone(r)),
  zoneCount: 3,
  domainId: 1,
});
const toCmr = (r: number): Partial<ActivationRequest> => ({
  zoneId: zs(cmrZone(r)),
  zoneCount: 2,
  domainId: 0,
});

function writeAt(m: ZoneModel, lba: number, blocks = 8): void {
  const plan = settled(m.planWrite(lba, blocks));
  if ('kind' in plan) throw new Error(plan.kind);
  m.commitWrite(plan);
  m.writeCompleted(plan);
}

describe('ZONE ACTIVATE: domain combinations', () => {
  const combos: [string, ZoneType][] = [
    ['conventional <-> SWR', ZoneType.CONVENTIONAL],
    ['SOBR <-> SWR', ZoneType.SEQUENTIAL_OR_BEFORE_REQUIRED],
  ];
  it.each(combos)('%s: activates, reports both ranges, and activates back', (_n, cmrType) => {
    const m = model(domainsLayout(cmrType));
    const cmrActive = cmrType === ZoneType.CONVENTIONAL ? C.NOT_WRITE_POINTER : C.EMPTY;
    const o = outcome(m, toSmr(0));
    expect(o).toMatchObject({
      activated: true,
      unmet: 0,
      ziwup: null,
      domainId: 1,
      otherDomainId: 0,
      zoneCount: 3,
    });
    expect(o.ranges).toEqual([
      { type: cmrType, condition: C.INACTIVE, domainId: 0, zones: 2, startLba: zs(0) },
      {
        type: ZoneType.SEQUENTIAL_WRITE_REQUIRED,
        condition: C.EMPTY,
        domainId: 1,
        zones: 3,
        startLba: zs(smrZone(0)),
      },
    ]);
    expect(o.capture?.realmDomains).toEqual(Uint8Array.from([1, 0, 1, 1]));
    expect(m.zoneAt(cmrZone(0)).condition).toBe(C.INACTIVE);
    expect(m.zoneAt(smrZone(0, 2)).condition).toBe(C.EMPTY);
    const back = outcome(m, toCmr(0));
    expect(back.ranges.map((r) => [r.domainId, r.condition])).toEqual([
      [0, cmrActive],
      [1, C.INACTIVE],
    ]);
    expect(Array.from(m.domains!.activeDomains)).toEqual([0, 0, 1, 1]);
  });

  it('adjacent realms merge into one range per domain; NUMBER OF ZONES counts the target', () => {
    const m = model();
    const o = outcome(m, { zoneId: zs(smrZone(0)), zoneCount: 6, domainId: 1 });
    expect(o.zoneCount).toBe(6);
    expect(o.ranges.map((r) => [r.domainId, r.zones, r.startLba])).toEqual([
      [0, 4, 0],
      [1, 6, zs(smrZone(0))],
    ]);
  });

  it('zbc2r12 form: the ZONE ID names the target domain', () => {
    const m = model();
    expect(outcome(m, { ...toSmr(1), domainId: null }).activated).toBe(true);
    expect(m.domains!.activeDomains[1]).toBe(1);
  });

  it('ALL activates every realm not yet in the domain, restricted ones left out', () => {
    const m = model(domainsLayout(ZoneType.CONVENTIONAL, { restrictedRealms: [1] }));
    const o = outcome(m, { all: true, domainId: 1 });
    expect(o.activated).toBe(true);
    expect(Array.from(m.domains!.activeDomains)).toEqual([1, 0, 1, 1]);
    expect(o.zoneCount).toBe(3);
  });
});

describe('ZONE QUERY', () => {
  it('answers what ZONE ACTIVATE would do and changes nothing', () => {
    const m = model();
    const before = Array.from({ length: m.zoneCount }, (_, i) => m.zoneAt(i));
    const q = outcome(m, { ...toSmr(0), query: true });
    const a = outcome(model(), toSmr(0));
    expect(q).toMatchObject({ activated: false, unmet: 0, ranges: a.ranges });
    expect(q.capture).toBeUndefined();
    expect(Array.from({ length: m.zoneCount }, (_, i) => m.zoneAt(i))).toEqual(before);
    expect(Array.from(m.domains!.activeDomains)).toEqual([0, 0, 1, 1]);
  });

  it('reports unmet prerequisites the same way', () => {
    const m = model();
    writeAt(m, zs(smrZone(2)));
    expect(outcome(m, { ...toCmr(2), query: true })).toMatchObject({
      unmet: Unmet.NOT_EMPTY,
      ziwup: zs(smrZone(2)),
    });
  });
});

describe('unmet prerequisites: GOOD, ACTIVATED = 0, the bits and ZIWUP; nothing changes', () => {
  type Row = [
    string,
    (m: ZoneModel) => Partial<ActivationRequest>,
    number,
    number,
    ZoneLayoutConfig?,
  ];
  const rows: Row[] = [
    ['already active (not inactive)', () => toCmr(0), Unmet.NOT_INACTIVE, zs(cmrZone(0))],
    [
      'an SWR zone to deactivate written (not empty)',
      (m) => (writeAt(m, zs(smrZone(2, 1))), toCmr(2)),
      Unmet.NOT_EMPTY,
      zs(smrZone(2, 1)),
    ],
    [
      'an SWR zone FULL',
      (m) => (writeAt(m, zs(smrZone(3)), Z), toCmr(3)),
      Unmet.NOT_EMPTY,
      zs(smrZone(3)),
    ],
    [
      'an SOBR zone written below its end (implicitly open)',
      (m) => (writeAt(m, zs(cmrZone(1, 1))), toSmr(1)),
      Unmet.NOT_EMPTY,
      zs(cmrZone(1, 1)),
      domainsLayout(ZoneType.SEQUENTIAL_OR_BEFORE_REQUIRED),
    ],
    [
      'ZONE ID not on a realm start',
      () => ({ zoneId: zs(smrZone(0, 1)), zoneCount: 3, domainId: 1 }),
      Unmet.REALM_ALIGNMENT,
      zs(smrZone(0, 1)),
    ],
    [
      'range ending inside a realm',
      () => ({ zoneId: zs(smrZone(0)), zoneCount: 4, domainId: 1 }),
      Unmet.REALM_ALIGNMENT,
      zs(smrZone(1)),
    ],
    [
      'range running past the domain end',
      () => ({ zoneId: zs(cmrZone(3)), zoneCount: 4, domainId: 0 }),
      Unmet.MULTIPLE_DOMAINS | Unmet.MULTIPLE_ZONE_TYPES,
      zs(8),
    ],
    [
      'ZONE ID in another domain, running past its end (libzbc 05/409)',
      () => ({ zoneId: zs(cmrZone(3)), zoneCount: 5, domainId: 1 }),
      Unmet.MULTIPLE_DOMAINS | Unmet.MULTIPLE_ZONE_TYPES,
      zs(8),
    ],
    [
      'ZONE ID in another domain than the target',
      () => ({ zoneId: zs(smrZone(0)), zoneCount: 3, domainId: 0 }),
      Unmet.MULTIPLE_DOMAINS | Unmet.MULTIPLE_ZONE_TYPES,
      zs(smrZone(0)),
    ],
    [
      'a restricted realm',
      () => toSmr(1),
      Unmet.REALM_RESTRICTED,
      zs(smrZone(1)),
      domainsLayout(ZoneType.CONVENTIONAL, { restrictedRealms: [1] }),
    ],
  ];
  it.each(rows)('%s', (_n, setup, unmet, ziwup, layout) => {
    const m = model(layout);
    const r = setup(m);
    const before = Array.from({ length: m.zoneCount }, (_, i) => m.zoneAt(i));
    expect(outcome(m, r)).toMatchObject({ activated: false, unmet, ziwup, ranges: [] });
    expect(Array.from({ length: m.zoneCount }, (_, i) => m.zoneAt(i))).toEqual(before);
  });

  it('a written conventional zone may be deactivated (libzbc 03/107)', () => {
    const m = model();
    writeAt(m, zs(cmrZone(0)));
    expect(outcome(m, toSmr(0)).activated).toBe(true);
  });

  it('several realms: the bits add up, ZIWUP is the first one found', () => {
    const m = model();
    writeAt(m, zs(smrZone(3)));
    const o = outcome(m, { zoneId: zs(cmrZone(1)), zoneCount: 6, domainId: 0 });
    expect(o).toMatchObject({ unmet: Unmet.NOT_INACTIVE | Unmet.NOT_EMPTY, ziwup: zs(cmrZone(1)) });
  });
});

describe('CDB faults (CHECK CONDITION)', () => {
  const rows: [string, Partial<ActivationRequest>, unknown][] = [
    [
      'ZONE DOMAIN ID past the last domain',
      { ...toSmr(0), domainId: 2 },
      { kind: 'activation-field', field: 'domain-id' },
    ],
    [
      'ZONE ID past the last LBA',
      { zoneId: 21 * Z, domainId: 1 },
      { kind: 'activation-lba-out-of-range' },
    ],
    [
      'ZONE ID above 2^53',
      { zoneId: 2n ** 60n, domainId: 1 },
      { kind: 'activation-lba-out-of-range' },
    ],
    [
      'ZONE ID not a zone start',
      { zoneId: zs(smrZone(0)) + 8, zoneCount: 3, domainId: 1 },
      { kind: 'activation-field', field: 'zone-id' },
    ],
    [
      'NUMBER OF ZONES 0',
      { ...toSmr(0), zoneCount: 0 },
      { kind: 'activation-field', field: 'zone-count' },
    ],
    [
      'range past the last zone',
      { zoneId: zs(smrZone(3)), zoneCount: 4, domainId: 1 },
      { kind: 'activation-field', field: 'zone-count' },
    ],
    [
      'more realms than MAXIMUM ACTIVATION',
      { zoneId: zs(smrZone(0)), zoneCount: 6, domainId: 1, maxActivation: 1 },
      { kind: 'activation-field', field: 'zone-count' },
    ],
    [
      'ALL beyond MAXIMUM ACTIVATION',
      { all: true, domainId: 1, maxActivation: 1 },
      { kind: 'activation-field', field: 'zone-count' },
    ],
    [
      'ALL to a domain that does not exist',
      { all: true, domainId: 5 },
      { kind: 'activation-field', field: 'domain-id' },
    ],
    [
      'zbc2r12: ZONE ID of a GAP zone',
      { zoneId: zs(8), zoneCount: 1 },
      { kind: 'activation-field', field: 'zone-id' },
    ],
  ];
  it.each(rows)('%s', (_n, r, want) => {
    const m = model();
    expect(m.domains!.activate(req(r))).toEqual(want);
    expect(Array.from(m.domains!.activeDomains)).toEqual([0, 0, 1, 1]);
  });

  it('MAXIMUM ACTIVATION equal to the realms asked for is fine', () => {
    expect(
      outcome(model(), { zoneId: zs(smrZone(0)), zoneCount: 6, domainId: 1, maxActivation: 2 })
        .activated,
    ).toBe(true);
  });
});
