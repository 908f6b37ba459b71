// The ZAC-2 face of a zone domains SATA LU through the real dispatch: log 30h page 09h's domain
// fields, ZAC MANAGEMENT IN REPORT REALMS / REPORT ZONE DOMAINS / ZONE ACTIVATE / ZONE QUERY
// (little-endian, at the offsets libzbc v6.2.0's ATA backend reads) against the SCSI answers,
// SET FEATURES 46h/48h on both faces, and the errors with the ATA Status Return descriptor.
import { describe, expect, it } from 'vitest';
import { SENSE } from '../../../../sense-tables/index.js';
import { TaskManagementFunction } from '../../../../scsi/target-contract.js';
import { ZoneModel } from '../../../../zbc/zone-model.js';
import { ZoneCondition as C, ZoneType } from '../../../../zbc/types.js';
import { cmrZone, domainsLayout, smrZone, Z, zs } from '../../zbc/domains/fixtures.js';
import { cdb, expectCheck, expectGood, harness, NEXUS, OTHER_NEXUS } from '../harness.js';
import { CaptureJournal, zbcIn, zoneDomainsSelect } from '../zbc/domains-cdbs.js';
import { type AtaCdbFields, ata16, ataDescriptor } from '../../../helpers/ata-cdb.js';
import type { DomainsLayout } from '../../../../zbc/types.js';

interface LuOptions {
  cmrType?: ZoneType;
  domains?: Partial<DomainsLayout>;
  readOnly?: boolean;
  iface?: 'sas' | 'sata';
}

/** 4 realms (0, 1 CMR; 2, 3 SMR; realm 3 restricted), domain 0 zones 0-7, GAP 8, domain 1 9-20. */
function lu(o: LuOptions = {}) {
  const layout = domainsLayout(o.cmrType ?? ZoneType.CONVENTIONAL, {
    restrictedRealms: [3],
    ...o.domains,
  });
  const zones = new ZoneModel(layout);
  const journal = new CaptureJournal();
  const h = harness({
    capacityBlocks: layout.capacityBlocks,
    zones,
    journal,
    interface: o.iface ?? 'sata',
    ...(o.readOnly ? { readOnly: true } : {}),
  });
  return { ...h, zones, journal };
}
type Lu = ReturnType<typeof lu>;

/** ZAC MANAGEMENT IN (4Ah) as libzbc sends it: DMA, EXTEND, T_DIR, BYTE_BLOCK, COUNT pages. */
const zacIn = (feature: number, lba: number, pages = 1): Buffer =>
  ata16({
    protocol: 6,
    toHost: true,
    tLength: 2,
    count: pages,
    features: feature,
    lba,
    command: 0x4a,
  });
/** SET FEATURES as libzbc sends it: non-data, EXTEND 0, 28-bit LBA with DEVICE bits 3:0. */
const setFeatures = (feature: number, value: number, count = 0): Buffer => {
  const f: AtaCdbFields = {
    protocol: 3,
    extend: false,
    features: feature,
    count,
    lba: value & 0xff_ffff,
    device: 0x40 | ((value >>> 24) & 0x0f),
    command: 0xef,
  };
  return ata16(f);
};
const readLog = (page: number): Buffer =>
  ata16({
    protocol: 6,
    toHost: true,
    tLength: 2,
    count: 1,
    lba: 0x30 + page * 0x100,
    command: 0x47,
  });

async function ataIn(h: Lu, c: Buffer, pages = 1): Promise<Buffer> {
  return expectGood(await h.run(c, { expectedDataLength: pages * 512 }));
}
const zoned09 = (h: Lu) => ataIn(h, readLog(9));
const q = (b: Buffer, at: number): bigint => b.readBigUInt64LE(at);
const VALID = 1n << 63n;

const reverse = (b: Buffer, at: number, n: number): void => {
  b.subarray(at, at + n).reverse();
};

/** An ATA failure: the SCSI sense (descriptor format with D_SENSE 1) and its registers. */
async function expectAtaError(
  h: Lu,
  c: Buffer,
  code: typeof SENSE.INVALID_FIELD_IN_CDB,
  error = 0x04,
) {
  h.lu.mode.dSense = true;
  const o = await h.run(c, { expectedDataLength: c[14] === 0x4a ? 512 : 0 });
  expectCheck(o, code);
  expect(ataDescriptor(o.sense as Buffer)).toMatchObject({ error, status: 0x53 });
}

describe('identity of a zone domains SATA LU', () => {
  it('the ATA signature (0000h), ZONED 00b, model ZD-SMR: libzbc looks at log 30h/09h', async () => {
    const h = lu();
    h.lu.mode.dSense = true;
    const diag = await h.run(ata16({ protocol: 3, ckCond: true, command: 0x90 }));
    expect(ataDescriptor(diag.sense as Buffer)).toMatchObject({ lba: 0x000001, status: 0x50 });
    const vpd = expectGood(await h.run([0x12, 1, 0x89, 0x02, 0x40, 0]));
    expect([vpd[41], vpd[42]]).toEqual([0x00, 0x00]);
    const inq = expectGood(await h.run([0x12, 0, 0, 0, 96, 0]));
    expect([inq[0], inq.subarray(16, 32).toString('latin1')]).toEqual([0x14, 'ZBCTGT ZD-SMR   ']);
    const id = await ataIn(
      h,
      ata16({ protocol: 4, toHost: true, tLength: 2, count: 1, command: 0xec }),
    );
    expect(id.readUInt16LE(69 * 2) & 0x3).toBe(0);
    expect(q(await ataIn(h, readLog(3)), 104)).toBe(VALID); // ZONED CAPABILITIES 00b
  });

  it('log 30h page 09h: ZAC-2 r12, domains and realms, controls, FSNOZ, zone types', async () => {
    const h = lu();
    const d = await zoned09(h);
    expect(q(d, 8)).toBe(VALID | 1n); // URSWRZ
    expect(q(d, 40)).toBe(VALID | 0xffff_ffffn); // no open limit in this layout
    expect(q(d, 48)).toBe(VALID | 0xb403n);
    // ZD, ZR, URSWRZ settable, ZA control, REPORT REALMS, MAXACT settable; not NOZSRC.
    expect(q(d, 56)).toBe(VALID | 0x6fn);
    expect(q(d, 64)).toBe(VALID | 1n); // FSNOZ starts at 1
    expect(q(d, 72)).toBe(VALID | 0x15n); // conventional, SWR, GAP
    const sobr = await zoned09(lu({ cmrType: ZoneType.SEQUENTIAL_OR_BEFORE_REQUIRED }));
    expect(q(sobr, 72)).toBe(VALID | 0x1cn); // SWR, SOBR, GAP
    const noGap = await zoned09(lu({ domains: { gapZones: 0 } }));
    expect(q(noGap, 72)).toBe(VALID | 0x05n);
  });
});

describe('SET FEATURES activation controls: one state with the Zone Domains mode page', () => {
  const modePage = async (h: Lu) => {
    const c = cdb([0x5a, 0x10, 0x0a, 0x0f]);
    c.writeUInt16BE(268, 7);
    const d = expectGood(await h.run(c));
    return { fsnoz: d.readUInt32BE(12), maxActivation: d.readUInt16BE(24) };
  };

  it('46h sets FSNOZ (28-bit LBA), 48h MAXIMUM ACTIVATION; log 09h and MODE SENSE agree', async () => {
    const h = lu();
    expectGood(await h.run(setFeatures(0x46, 0x0abc_def1)));
    expectGood(await h.run(setFeatures(0x48, 7)));
    expect(await modePage(h)).toEqual({ fsnoz: 0x0abc_def1, maxActivation: 7 });
    const d = await zoned09(h);
    expect(q(d, 64)).toBe(VALID | 0x0abc_def1n);
    expect(q(d, 56)).toBe(VALID | (7n << 32n) | 0x6fn);
    expectGood(await h.run(setFeatures(0x48, 0)));
    expect((await modePage(h)).maxActivation).toBe(0);
  });

  it('MODE SELECT changes show in log 09h', async () => {
    const h = lu();
    const select = zoneDomainsSelect(4, 3);
    expectGood(await h.run(select.cdb, { dataOut: [select.page] }));
    const d = await zoned09(h);
    expect([q(d, 64), q(d, 56) >> 32n]).toEqual([VALID | 4n, (VALID >> 32n) | 3n]);
  });

  it('MODE SELECT refuses an FSNOZ wider than 28 bits (log 09h, SET FEATURES 46h)', async () => {
    const h = lu();
    const { cdb: sel, page } = zoneDomainsSelect(0x1000_0000, 0);
    expectCheck(await h.run(sel, { dataOut: [page] }), SENSE.INVALID_FIELD_IN_PARAMETER_LIST, {
      in: 'parameter',
      byte: 12,
    });
    expect(q(await zoned09(h), 64)).toBe(VALID | 1n);
    const widest = zoneDomainsSelect(0x0fff_ffff, 0);
    expectGood(await h.run(widest.cdb, { dataOut: [widest.page] }));
    expect(q(await zoned09(h), 64)).toBe(VALID | 0x0fff_ffffn);
  });

  it('refuses FSNOZ 0 and MAXIMUM ACTIVATION above FFFFh (5/24/00, ABRT); state unchanged', async () => {
    const h = lu();
    await expectAtaError(h, setFeatures(0x46, 0), SENSE.INVALID_FIELD_IN_CDB);
    const wide = ata16({ protocol: 3, features: 0x48, lba: 0x1_0000, command: 0xef });
    await expectAtaError(h, wide, SENSE.INVALID_FIELD_IN_CDB);
    expect([h.lu.mode.fsnoz, h.lu.mode.maxActivation]).toEqual([1, 0]);
  });

  it('47h sets URSWRZ (COUNT bit 0): log 09h, VPD B6h, the mode page and the read rule', async () => {
    const h = lu();
    const inactiveRead = cdb([0x88]);
    inactiveRead.writeBigUInt64BE(BigInt(zs(smrZone(0))), 2);
    inactiveRead.writeUInt32BE(8, 10);
    expectGood(await h.run(inactiveRead));
    expectGood(await h.run(setFeatures(0x47, 0, 0)));
    expect(q(await zoned09(h), 8)).toBe(VALID);
    expect(expectGood(await h.run([0x12, 0x01, 0xb6, 0x00, 0x40]))[4]).toBe(0x22);
    const c = cdb([0x5a, 0x10, 0x0a, 0x0f]);
    c.writeUInt16BE(268, 7);
    expect(expectGood(await h.run(c))[18]).toBe(0);
    expectCheck(await h.run(inactiveRead), SENSE.ZONE_IS_INACTIVE);
    // libzbc's MODE SELECT write-back carries URSWRZ as read: 0 is accepted now.
    const select = zoneDomainsSelect(1, 0, 0);
    expectGood(await h.run(select.cdb, { dataOut: [select.page] }));
    expectGood(await h.run(setFeatures(0x47, 0, 1)));
    expect(q(await zoned09(h), 8)).toBe(VALID | 1n);
    expectGood(await h.run(inactiveRead));
    await expectAtaError(h, setFeatures(0x47, 0, 2), SENSE.INVALID_FIELD_IN_CDB);
    expect(h.zones.urswrz).toBe(true);
  });

  // Each control: a new value, then the same value again (no change, no unit attention).
  const CHANGES: readonly [string, Buffer, Buffer][] = [
    ['46h FSNOZ', setFeatures(0x46, 5), setFeatures(0x46, 5)],
    ['47h URSWRZ', setFeatures(0x47, 0, 0), setFeatures(0x47, 0, 0)],
    ['48h MAXIMUM ACTIVATION', setFeatures(0x48, 2), setFeatures(0x48, 2)],
  ];
  it.each(CHANGES)('%s: other I_T nexuses get 6/2A/01 on a change only', async (_, set, same) => {
    const h = lu();
    h.target.nexusCreated(OTHER_NEXUS);
    h.lu.unitAttentions.take(OTHER_NEXUS.key); // its power-on unit attention
    const tur = (nexus = NEXUS) => h.run([0, 0, 0, 0, 0, 0], { nexus });
    expectGood(await h.run(set));
    expectCheck(await tur(OTHER_NEXUS), SENSE.MODE_PARAMETERS_CHANGED);
    expectGood(await tur(OTHER_NEXUS));
    expectGood(await tur()); // not the nexus that changed it
    expectGood(await h.run(same));
    expectGood(await tur(OTHER_NEXUS));
  });

  it('LOGICAL UNIT RESET restores FSNOZ, MAXIMUM ACTIVATION and URSWRZ alike', async () => {
    const h = lu();
    for (const [, set] of CHANGES) expectGood(await h.run(set));
    expect([h.lu.mode.fsnoz, h.lu.mode.maxActivation, h.zones.urswrz]).toEqual([5, 2, false]);
    const fn = TaskManagementFunction.LOGICAL_UNIT_RESET;
    await h.target.taskManagement({ nexus: NEXUS, fn, lun: 0 });
    expect([h.lu.mode.fsnoz, h.lu.mode.maxActivation, h.zones.urswrz]).toEqual([1, 0, true]);
    expectCheck(await h.run([0, 0, 0, 0, 0, 0]), SENSE.BUS_DEVICE_RESET_FUNCTION_OCCURRED);
    expect(q(await zoned09(h), 8)).toBe(VALID | 1n);
  });

  it('a SATA LU without domains aborts 46h, 47h and 48h', async () => {
    const plain = harness({ capacityBlocks: 2048, interface: 'sata' }) as unknown as Lu;
    await expectAtaError(plain, setFeatures(0x46, 3), SENSE.ABORTED_COMMAND);
    await expectAtaError(plain, setFeatures(0x47, 0, 1), SENSE.ABORTED_COMMAND);
    await expectAtaError(plain, setFeatures(0x48, 3), SENSE.ABORTED_COMMAND);
  });
});

describe('REPORT ZONE DOMAINS EXT (4Ah/07h)', () => {
  it('is the SCSI reply with each field little-endian; flags dword at 42', async () => {
    const h = lu();
    const ext = await ataIn(h, zacIn(0x07, 0));
    const scsi = expectGood(await h.run(zbcIn(0x07, 0, 512)));
    expect(ext.length).toBe(64 + 2 * 96);
    const swapped = Buffer.from(scsi);
    for (const [at, n] of [
      [0, 4],
      [4, 4],
      [16, 8],
    ] as const)
      reverse(swapped, at, n);
    for (let d = 64; d < swapped.length; d += 96)
      for (const at of [16, 24, 32]) reverse(swapped, d + at, 8);
    expect(ext.equals(swapped)).toBe(true);
    // RETURNED LIST LENGTH is whatever the SCSI reply says (compared above, reversed).
    expect([ext.readUInt32LE(0), ext[8], ext[9]]).toEqual([192, 2, 2]);
    expect([
      ext[64 + 96],
      q(ext, 64 + 96 + 16),
      q(ext, 64 + 96 + 24),
      q(ext, 64 + 96 + 32),
    ]).toEqual([1, 12n, BigInt(zs(9)), BigInt(21 * Z - 1)]);
    expect([ext[64 + 96 + 40], ext.readUInt32LE(64 + 96 + 42)]).toEqual([
      ZoneType.SEQUENTIAL_WRITE_REQUIRED,
      2,
    ]);
  });

  it('every reporting option in FEATURE(15:8), and the locator in the LBA', async () => {
    const h = lu();
    const reported = async (option: number, lba = 0) =>
      (await ataIn(h, zacIn(0x07 | (option << 8), lba)))[9];
    expect([await reported(0), await reported(1), await reported(2), await reported(3)]).toEqual([
      2, 0, 2, 0,
    ]);
    expect(await reported(0, zs(8))).toBe(1); // GAP zone: from the next domain
    const echo = await ataIn(h, zacIn(0x07 | (2 << 8), zs(10) + 5));
    expect([echo[10], q(echo, 16)]).toEqual([2, BigInt(zs(10))]);
  });

  it('a reserved option or reserved bits: 5/24/00; a locator past the end: 5/21/00 with IDNF', async () => {
    const h = lu();
    await expectAtaError(h, zacIn(0x07 | (0x04 << 8), 0), SENSE.INVALID_FIELD_IN_CDB);
    await expectAtaError(h, zacIn(0x07 | (0x80 << 8), 0), SENSE.INVALID_FIELD_IN_CDB);
    await expectAtaError(h, zacIn(0x07, 21 * Z), SENSE.LOGICAL_BLOCK_ADDRESS_OUT_OF_RANGE, 0x14);
  });
});

describe('REPORT REALMS EXT (4Ah/06h)', () => {
  it('ZAC-2 header: count at 0, descriptor length at 4, next locator at 8; LE descriptors', async () => {
    const h = lu();
    const d = await ataIn(h, zacIn(0x06, 0));
    expect(d.length).toBe(64 + 4 * 48);
    expect([d.readUInt32LE(0), d.readUInt32LE(4), q(d, 8), d.readUInt32LE(16)]).toEqual([
      4,
      48,
      0n,
      0,
    ]);
    const realm = (r: number) => {
      const at = 64 + 48 * r;
      return [
        d.readUInt32LE(at),
        d.readUInt16LE(at + 4),
        d[at + 7],
        q(d, at + 16),
        q(d, at + 24),
        q(d, at + 32),
        q(d, at + 40),
      ];
    };
    expect(realm(0)).toEqual([0, 0, 0, 0n, BigInt(2 * Z - 1), BigInt(zs(9)), BigInt(zs(12) - 1)]);
    expect(realm(3)).toEqual([
      3,
      1,
      1,
      BigInt(zs(6)),
      BigInt(zs(8) - 1),
      BigInt(zs(18)),
      BigInt(zs(21) - 1),
    ]);
    // The descriptors are the SCSI ones with each field reversed.
    const scsi = expectGood(await h.run(zbcIn(0x06, 0, 512)));
    const swapped = Buffer.from(scsi.subarray(64));
    for (let at = 0; at < swapped.length; at += 48) {
      reverse(swapped, at, 4);
      reverse(swapped, at + 4, 2);
      for (let f = 16; f < 48; f += 8) reverse(swapped, at + f, 8);
    }
    expect(d.subarray(64).equals(swapped)).toBe(true);
  });

  it('options 01h-03h and the locator; the count stays whole in one 512-byte page', async () => {
    const h = lu();
    const count = async (option: number, lba = 0) =>
      (await ataIn(h, zacIn(0x06 | (option << 8), lba))).readUInt32LE(0);
    expect([await count(1), await count(2), await count(3)]).toEqual([0, 2, 0]);
    expect(await count(0, zs(smrZone(2)))).toBe(2);
    // 16 realms of 48 bytes do not fit one page: 9 descriptors, count 16, NEXT REALM LOCATOR.
    const many = lu({
      domains: { realms: 16, initialDomain: Array<number>(16).fill(0), restrictedRealms: [] },
    });
    const one = await ataIn(many, zacIn(0x06, 0));
    expect([one.length, one.readUInt32LE(0), q(one, 8)]).toEqual([512, 16, BigInt(2 * 9 * Z)]);
    const two = await ataIn(many, zacIn(0x06, 0, 2), 2);
    expect([two.length, two.readUInt32LE(0), q(two, 8)]).toEqual([64 + 16 * 48, 16, 0n]);
  });

  it('errors: reserved option, GAP locator (5/21/09), past the end (5/21/00)', async () => {
    const h = lu();
    await expectAtaError(h, zacIn(0x06 | (0x3f << 8), 0), SENSE.INVALID_FIELD_IN_CDB);
    await expectAtaError(h, zacIn(0x06, zs(8)), SENSE.ATTEMPT_TO_ACCESS_GAP_ZONE);
    await expectAtaError(h, zacIn(0x06, 21 * Z), SENSE.LOGICAL_BLOCK_ADDRESS_OUT_OF_RANGE, 0x14);
  });
});

describe('ZONE ACTIVATE / ZONE QUERY EXT (4Ah/08h, 09h)', () => {
  /** FEATURE(7:0) = action | ALL, FEATURE(15:8) = zone domain ID; COUNT = return pages. */
  const activate = (domain: number, lba: number, o: { query?: boolean; all?: boolean } = {}) =>
    zacIn((o.query ? 0x09 : 0x08) | (o.all ? 0x80 : 0) | (domain << 8), lba);
  const descriptor = (d: Buffer, k: number) => {
    const at = 64 + 32 * k;
    return [d[at], d[at + 1], d[at + 2], q(d, at + 8), q(d, at + 16)];
  };

  it('FSNOZ zones of realm 0 to SMR: LE header, 32-byte descriptors, persisted', async () => {
    const h = lu();
    expectGood(await h.run(setFeatures(0x46, 3)));
    const d = await ataIn(h, activate(1, zs(smrZone(0))));
    expect(d.length).toBe(64 + 2 * 32);
    expect([
      d.readUInt32LE(0),
      d.readUInt32LE(4),
      d[8],
      d[9],
      d[10],
      d[12],
      d.readUInt32LE(16),
    ]).toEqual([64, 64, 0x81, 0, 1, 0, 3]);
    expect(descriptor(d, 0)).toEqual([ZoneType.CONVENTIONAL, C.INACTIVE << 4, 0, 2n, 0n]);
    expect(descriptor(d, 1)).toEqual([
      ZoneType.SEQUENTIAL_WRITE_REQUIRED,
      C.EMPTY << 4,
      1,
      3n,
      BigInt(zs(9)),
    ]);
    expect(h.zones.zoneAt(cmrZone(0)).condition).toBe(C.INACTIVE);
    expect(Array.from(h.journal.captures.at(-1)?.realmDomains ?? [])).toEqual([1, 0, 1, 1]);
    // The SCSI face sees it: REPORT REALMS says realm 0 is active in domain 1.
    const realms = expectGood(await h.run(zbcIn(0x06, 0, 512)));
    expect(realms[64 + 7]).toBe(1);
  });

  it('ZONE QUERY reports the same ranges and changes nothing', async () => {
    const h = lu();
    expectGood(await h.run(setFeatures(0x46, 3)));
    const d = await ataIn(h, activate(1, zs(smrZone(1)), { query: true }));
    expect([d.readUInt32LE(0), d[8], d[9], d.readUInt32LE(16)]).toEqual([64, 0x80, 0, 3]);
    expect(descriptor(d, 1)).toEqual([
      ZoneType.SEQUENTIAL_WRITE_REQUIRED,
      0x10,
      1,
      3n,
      BigInt(zs(12)),
    ]);
    expect(h.zones.zoneAt(cmrZone(1)).condition).toBe(C.NOT_WRITE_POINTER);
    expect(h.journal.captures).toHaveLength(0);
  });

  it.each([
    // [what, domain, ZONE ID, FSNOZ, setup, unmet bits, ZIWUP]
    ['already active (not inactive)', 0, zs(cmrZone(0)), 2, null, 0x01, zs(cmrZone(0))],
    ['misaligned (realm alignment)', 1, zs(smrZone(0, 1)), 3, null, 0x04, zs(smrZone(0, 1))],
    ['restricted realm 3', 0, zs(cmrZone(3)), 2, null, 0x10, zs(cmrZone(3))],
    ['crossing into the GAP zone', 0, zs(cmrZone(3)), 4, null, 0x28, zs(8)],
    [
      'a written SWR zone to deactivate (not empty)',
      0,
      zs(cmrZone(2)),
      2,
      'write',
      0x02,
      zs(smrZone(2)),
    ],
  ] as const)(
    '%s: GOOD, ACTIVATED 0, ZIWUP VALID, the unmet bits, ZIWUP at 24',
    async (_what, domain, lba, fsnoz, setup, unmet, ziwup) => {
      const h = lu();
      if (setup === 'write') {
        const w = cdb([0x8a]);
        w.writeBigUInt64BE(BigInt(zs(smrZone(2))), 2);
        w.writeUInt32BE(8, 10);
        expectGood(await h.run(w, { dataOut: [Buffer.alloc(8 * 512)] }));
      }
      expectGood(await h.run(setFeatures(0x46, fsnoz)));
      for (const query of [true, false]) {
        const d = await ataIn(h, activate(domain, lba, { query }));
        expect([d.readUInt32LE(0), d[8], d[9], q(d, 24)], query ? 'query' : 'activate').toEqual([
          0,
          0xc0,
          unmet,
          BigInt(ziwup),
        ]);
      }
      expect(h.journal.captures).toHaveLength(0);
    },
  );

  it('ALL (FEATURE bit 7) activates every realm not in the target and not restricted', async () => {
    const h = lu();
    const d = await ataIn(h, activate(1, 0, { all: true }));
    expect([d[8], d[12], d.readUInt32LE(16), d.readUInt32LE(0)]).toEqual([0x81, 1, 6, 2 * 32]);
    expect(descriptor(d, 0)).toEqual([ZoneType.CONVENTIONAL, 0x50, 0, 4n, 0n]);
    expect(Array.from(h.zones.domains!.activeDomains)).toEqual([1, 1, 1, 1]);
  });

  it('CDB-level errors: the SCSI sense plus ABRT (and IDNF out of range)', async () => {
    const h = lu();
    expectGood(await h.run(setFeatures(0x46, 3)));
    await expectAtaError(h, activate(2, zs(9)), SENSE.INVALID_FIELD_IN_CDB);
    await expectAtaError(h, activate(1, zs(9) + 1), SENSE.INVALID_FIELD_IN_CDB);
    await expectAtaError(h, activate(1, 21 * Z), SENSE.LOGICAL_BLOCK_ADDRESS_OUT_OF_RANGE, 0x14);
    expectGood(await h.run(setFeatures(0x46, 6)));
    expectGood(await h.run(setFeatures(0x48, 1)));
    await expectAtaError(h, activate(1, zs(9)), SENSE.INVALID_FIELD_IN_CDB); // 2 realms > 1
    // NOZSRC (FEATURE bit 5) is not supported: the device aborts the command.
    await expectAtaError(h, zacIn(0x28 | (1 << 8), zs(9)), SENSE.ABORTED_COMMAND);
    expect(h.journal.captures).toHaveLength(0);
  });

  it('a write-protected LU refuses ZONE ACTIVATE (7/27/00), not ZONE QUERY', async () => {
    const h = lu({ readOnly: true });
    expectGood(await h.run(setFeatures(0x46, 3)));
    await expectAtaError(h, activate(1, zs(9)), SENSE.WRITE_PROTECTED);
    await ataIn(h, activate(1, zs(9), { query: true }));
  });

  it('more descriptors than the return pages hold: counts whole, descriptors cut', async () => {
    // 16 realms, ALL to SMR: 8 CMR realms leave (8 ranges merge into one per domain) ...
    const h = lu({
      domains: {
        realms: 16,
        initialDomain: Array.from({ length: 16 }, (_, r) => r % 2),
        restrictedRealms: [],
      },
    });
    const d = await ataIn(h, activate(1, 0, { all: true, query: true }));
    const every = d.readUInt32LE(0);
    expect(every).toBe(32 * 16); // alternating realms: no two ranges merge
    expect([d.length, d.readUInt32LE(4)]).toEqual([512, 32 * 14]);
  });

  it('a SATA LU without domains and a SAS domains LU', async () => {
    const plain = harness({ capacityBlocks: 2048, interface: 'sata' }) as unknown as Lu;
    await expectAtaError(plain, zacIn(0x06, 0), SENSE.ABORTED_COMMAND);
    await expectAtaError(plain, activate(1, 0), SENSE.ABORTED_COMMAND);
    const sas = lu({ iface: 'sas' });
    expectCheck(
      await sas.run(zacIn(0x07, 0), { expectedDataLength: 512 }),
      SENSE.INVALID_COMMAND_OPERATION_CODE,
    );
  });
});
