// Zone domains commands through the real dispatch: REPORT ZONE DOMAINS, REPORT REALMS, ZONE
// ACTIVATE / ZONE QUERY in both 16-byte layouts and the 32-byte form, the Zone Domains mode page,
// VPD B6h; exact bytes, sense and field pointers.
import { describe, expect, it } from 'vitest';
import { SENSE } from '../../../../sense-tables/index.js';
import { ZoneModel } from '../../../../zbc/zone-model.js';
import { ZoneCondition as C, ZoneType } from '../../../../zbc/types.js';
import { cdb, expectCheck, expectGood, harness } from '../harness.js';
import { cmrZone, domainsLayout, smrZone, Z, zs } from '../../zbc/domains/fixtures.js';
import { CaptureJournal, zbcIn, zoneDomainsSelect } from './domains-cdbs.js';

function lu(opts: { layout?: 'libzbc' | 'zbc2r12'; readOnly?: boolean; cmrType?: ZoneType } = {}) {
  const layout = domainsLayout(opts.cmrType ?? ZoneType.CONVENTIONAL, { restrictedRealms: [3] });
  const zones = new ZoneModel(layout);
  const journal = new CaptureJournal();
  const h = harness({
    capacityBlocks: layout.capacityBlocks,
    zones,
    journal,
    ...(opts.layout ? { activateLayout: opts.layout } : {}),
    ...(opts.readOnly ? { readOnly: true } : {}),
  });
  return { ...h, zones, journal };
}

/** libzbc ZONE ACTIVATE(16)/QUERY(16). */
function act16(o: {
  query?: boolean;
  all?: boolean;
  zsrc?: boolean;
  domain: number;
  zoneId: number;
  count?: number;
  alloc?: number;
}): Buffer {
  const c = cdb([0x95, o.query ? 0x09 : 0x08]);
  c[2] = (o.all ? 0x80 : 0) | (o.zsrc === false ? 0 : 0x40) | o.domain;
  c.writeUIntBE(o.zoneId, 3, 6);
  c.writeUInt32BE(o.alloc ?? 4096, 9);
  c.writeUInt16BE(o.count ?? 0, 13);
  return c;
}

/** zbc2r12 ZONE ACTIVATE(16)/QUERY(16), as sg_z_act_query builds it. */
function act2r12(o: {
  query?: boolean;
  all?: boolean;
  zoneId: number;
  count: number;
  alloc?: number;
  other?: number;
}): Buffer {
  const c = cdb([0x95, (o.query ? 0x09 : 0x08) | (o.all ? 0x80 : 0)]);
  c.writeBigUInt64BE(BigInt(o.zoneId), 2);
  c.writeUInt16BE(o.count, 10);
  c.writeUInt16BE(o.alloc ?? 8192, 12);
  c[14] = o.other ?? 0;
  return c;
}

/** libzbc ZONE ACTIVATE(32)/QUERY(32). */
function act32(o: {
  query?: boolean;
  domain: number;
  zoneId: number;
  count: number;
  alloc?: number;
}): Buffer {
  const c = Buffer.alloc(32);
  c[0] = 0x7f;
  c[7] = 0x18;
  c.writeUInt16BE(o.query ? 0xf801 : 0xf800, 8);
  c[10] = 0x40;
  c[11] = o.domain;
  c.writeBigUInt64BE(BigInt(o.zoneId), 12);
  c.writeUInt32BE(o.count, 20);
  c.writeUInt32BE(o.alloc ?? 4096, 28);
  return c;
}

describe('VPD B6h on a zone domains LU', () => {
  it('ZONED BLOCK DEVICE EXTENSION 2h, AAORB, URSWRZ, PDT 14h', async () => {
    const d = expectGood(await lu().run([0x12, 0x01, 0xb6, 0x00, 0x40]));
    expect(d[0]).toBe(0x14);
    expect(d[4]).toBe(0x23);
    expect(d[23]).toBe(1); // every zone, GAP ones included, has the same length
  });
});

describe('REPORT ZONE DOMAINS (95h/07h)', () => {
  it('lists both domains with zone counts, LBA ranges, type and VZDZT', async () => {
    const d = expectGood(await lu().run(zbcIn(0x07, 0, 4096)));
    expect(d.length).toBe(64 + 2 * 96);
    expect([d.readUInt32BE(0), d.readUInt32BE(4), d[8], d[9], d[10]]).toEqual([192, 256, 2, 2, 0]);
    const desc = (k: number) => {
      const at = 64 + 96 * k;
      return [
        d[at],
        Number(d.readBigUInt64BE(at + 16)),
        Number(d.readBigUInt64BE(at + 24)),
        Number(d.readBigUInt64BE(at + 32)),
        d[at + 40],
        d[at + 42],
      ];
    };
    expect(desc(0)).toEqual([0, 8, 0, 8 * Z - 1, ZoneType.CONVENTIONAL, 0x02]);
    expect(desc(1)).toEqual([1, 12, zs(9), 21 * Z - 1, ZoneType.SEQUENTIAL_WRITE_REQUIRED, 0x02]);
  });

  it('reporting options 01h-03h, the locator, and any allocation length', async () => {
    const h = lu();
    const count = async (locator: number, option: number) =>
      expectGood(await h.run(zbcIn(0x07, locator, 4096, option)))[9];
    expect([await count(0, 1), await count(0, 2), await count(0, 3)]).toEqual([0, 2, 0]);
    // ALL to SMR: every realm is then SMR (restricted realm 3 already was).
    expectGood(await h.run(act16({ all: true, domain: 1, zoneId: 0 })));
    expect([await count(0, 1), await count(0, 2), await count(0, 3)]).toEqual([1, 1, 1]);
    expect(await count(zs(8), 0)).toBe(1); // a locator in the GAP zone starts at the next domain
    expect(await count(21 * Z - 1, 0)).toBe(1);
    for (const alloc of [0, 10, 64, 100, 160, 256]) {
      const d = expectGood(await h.run(zbcIn(0x07, 0, alloc)));
      expect(d.length, `alloc ${alloc}`).toBe(Math.min(alloc, 256));
      if (alloc >= 8)
        expect(d.readUInt32BE(4), `alloc ${alloc}`).toBe(
          64 + Math.max(0, Math.floor((Math.min(alloc, 256) - 64) / 96)) * 96,
        );
    }
  });

  it("libzbc's reading of RETURNED LIST LENGTH finds every domain (its 512-byte buffer)", async () => {
    // zbc_scsi_report_domains: min(bytes 4-7, buffer) - 64 header, / 96 = descriptors it reads.
    const d = expectGood(await lu().run(zbcIn(0x07, 0, 512)));
    const read = Math.floor((Math.min(d.readUInt32BE(4), 512) - 64) / 96);
    expect([d[9], read]).toEqual([2, 2]);
  });

  it('refuses a locator past the last LBA (5/21/00), a reserved option (5/24/00)', async () => {
    const h = lu();
    expectCheck(
      await h.run(zbcIn(0x07, 21 * Z, 4096)),
      SENSE.LOGICAL_BLOCK_ADDRESS_OUT_OF_RANGE,
      null,
    );
    expectCheck(await h.run(zbcIn(0x07, 0, 4096, 0x04)), SENSE.INVALID_FIELD_IN_CDB, {
      in: 'cdb',
      byte: 14,
      bit: 5,
    });
  });
});

describe('REPORT REALMS (95h/06h)', () => {
  it('realm descriptors: ID, restrictions, active domain, start/end per domain', async () => {
    const d = expectGood(await lu().run(zbcIn(0x06, 0, 4096)));
    expect([
      d.readUInt32BE(0),
      d.readUInt32BE(4),
      d.readUInt32BE(8),
      Number(d.readBigUInt64BE(12)),
    ]).toEqual([192, 4, 48, 0]);
    const realm = (r: number) => {
      const at = 64 + 48 * r;
      const range = (k: number) => [
        Number(d.readBigUInt64BE(at + 16 + 16 * k)),
        Number(d.readBigUInt64BE(at + 24 + 16 * k)),
      ];
      return [d.readUInt32BE(at), d.readUInt16BE(at + 4), d[at + 7], ...range(0), ...range(1)];
    };
    expect(realm(0)).toEqual([0, 0, 0, 0, 2 * Z - 1, zs(9), zs(12) - 1]);
    expect(realm(3)).toEqual([3, 1, 1, zs(6), zs(8) - 1, zs(18), zs(21) - 1]);
  });

  it('options 01h-03h by active domain type; a short allocation sets NEXT REALM LOCATOR', async () => {
    const h = lu();
    const count = async (option: number) =>
      expectGood(await h.run(zbcIn(0x06, 0, 4096, option))).readUInt32BE(4);
    expect([await count(1), await count(2), await count(3)]).toEqual([0, 2, 0]);
    const short = expectGood(await h.run(zbcIn(0x06, 0, 64 + 48)));
    expect([short.length, short.readUInt32BE(4), Number(short.readBigUInt64BE(12))]).toEqual([
      112,
      4,
      zs(2),
    ]);
    const fromLocator = expectGood(await h.run(zbcIn(0x06, zs(smrZone(2)), 4096)));
    expect([fromLocator.readUInt32BE(4), fromLocator.readUInt32BE(64)]).toEqual([2, 2]);
  });

  it('refuses a locator past the last LBA, in a GAP zone, and a reserved option', async () => {
    const h = lu();
    expectCheck(
      await h.run(zbcIn(0x06, 21 * Z, 4096)),
      SENSE.LOGICAL_BLOCK_ADDRESS_OUT_OF_RANGE,
      null,
    );
    expectCheck(await h.run(zbcIn(0x06, zs(8), 4096)), SENSE.ATTEMPT_TO_ACCESS_GAP_ZONE);
    expectCheck(await h.run(zbcIn(0x06, 0, 4096, 0x3f)), SENSE.INVALID_FIELD_IN_CDB, {
      in: 'cdb',
      byte: 14,
      bit: 5,
    });
  });
});

describe('ZONE ACTIVATE / ZONE QUERY, libzbc layout (default)', () => {
  it('activates realm 0 as SMR: header, 24-byte descriptors, journal', async () => {
    const h = lu();
    const d = expectGood(await h.run(act16({ domain: 1, zoneId: zs(smrZone(0)), count: 3 })));
    expect(d.length).toBe(64 + 2 * 24);
    expect([
      d.readUInt32BE(0),
      d.readUInt32BE(4),
      d[8],
      d[9],
      d[10],
      d[12],
      d.readUInt32BE(16),
    ]).toEqual([48, 48, 0x81, 0, 1, 0x02, 3]);
    expect([
      ...d.subarray(64, 67),
      Number(d.readBigUInt64BE(72)),
      Number(d.readBigUInt64BE(80)),
    ]).toEqual([0x01, 0x50, 0, 2, 0]);
    expect([
      ...d.subarray(88, 91),
      Number(d.readBigUInt64BE(96)),
      Number(d.readBigUInt64BE(104)),
    ]).toEqual([0x02, 0x10, 1, 3, zs(9)]);
    expect(Array.from(h.journal.captures.at(-1)?.realmDomains ?? [])).toEqual([1, 0, 1, 1]);
    expect(h.zones.zoneAt(cmrZone(0)).condition).toBe(C.INACTIVE);
  });

  it('unmet prerequisite: GOOD, ACTIVATED 0, ZIWUP VALID, 48-bit ZIWUP at 24', async () => {
    const h = lu();
    const d = expectGood(await h.run(act16({ domain: 0, zoneId: zs(cmrZone(0)), count: 2 })));
    expect([d.readUInt32BE(0), d[8], d[9], d.readUIntBE(24, 6), d.length]).toEqual([
      0, 0xc0, 0x01, 0, 64,
    ]);
    const q = expectGood(
      await h.run(act16({ query: true, domain: 1, zoneId: zs(smrZone(0, 1)), count: 3 })),
    );
    expect([q[8], q[9], q.readUIntBE(24, 6)]).toEqual([0xc0, 0x04, zs(smrZone(0, 1))]);
    expect(h.journal.captures).toHaveLength(0);
  });

  it('ZSRC = 0 takes NUMBER OF ZONES from the mode page FSNOZ', async () => {
    const h = lu();
    h.lu.mode.fsnoz = 3;
    const d = expectGood(
      await h.run(act16({ domain: 1, zoneId: zs(smrZone(1)), zsrc: false, count: 99 })),
    );
    expect([d[8], d.readUInt32BE(16), d[12]]).toEqual([0x81, 3, 0]);
  });

  it('ZONE QUERY changes nothing; allocation cuts descriptors, not counts', async () => {
    const h = lu();
    const d = expectGood(
      await h.run(
        act16({ query: true, domain: 1, zoneId: zs(smrZone(0)), count: 3, alloc: 64 + 30 }),
      ),
    );
    expect([d.length, d.readUInt32BE(0), d.readUInt32BE(4), d[8]]).toEqual([94, 48, 24, 0x80]);
    expect(h.zones.zoneAt(cmrZone(0)).condition).toBe(C.NOT_WRITE_POINTER);
    expect(
      expectGood(await h.run(act16({ query: true, domain: 1, zoneId: 0, count: 2, alloc: 0 })))
        .length,
    ).toBe(0);
  });

  it('CDB errors with their field pointers', async () => {
    const h = lu();
    expectCheck(
      await h.run(act16({ domain: 2, zoneId: 0, count: 2 })),
      SENSE.INVALID_FIELD_IN_CDB,
      { in: 'cdb', byte: 2, bit: 5 },
    );
    expectCheck(
      await h.run(act16({ domain: 1, zoneId: 21 * Z, count: 3 })),
      SENSE.LOGICAL_BLOCK_ADDRESS_OUT_OF_RANGE,
      null,
    );
    expectCheck(
      await h.run(act16({ domain: 1, zoneId: zs(9) + 1, count: 3 })),
      SENSE.INVALID_FIELD_IN_CDB,
      { in: 'cdb', byte: 3 },
    );
    expectCheck(
      await h.run(act16({ domain: 1, zoneId: zs(9), count: 0 })),
      SENSE.INVALID_FIELD_IN_CDB,
      { in: 'cdb', byte: 13 },
    );
    h.lu.mode.maxActivation = 1;
    expectCheck(
      await h.run(act16({ domain: 1, zoneId: zs(9), count: 6 })),
      SENSE.INVALID_FIELD_IN_CDB,
      { in: 'cdb', byte: 13 },
    );
  });

  it('a write-protected LU refuses ZONE ACTIVATE, not ZONE QUERY', async () => {
    const h = lu({ readOnly: true });
    expectCheck(await h.run(act16({ domain: 1, zoneId: zs(9), count: 3 })), SENSE.WRITE_PROTECTED);
    expectGood(await h.run(act16({ query: true, domain: 1, zoneId: zs(9), count: 3 })));
  });

  it('ZONE ACTIVATE(32) / ZONE QUERY(32) (7Fh F800h/F801h)', async () => {
    const h = lu();
    const q = expectGood(
      await h.run(act32({ query: true, domain: 1, zoneId: zs(smrZone(1)), count: 3 })),
    );
    expect([q[8], q.readUInt32BE(0)]).toEqual([0x80, 48]);
    const a = expectGood(await h.run(act32({ domain: 1, zoneId: zs(smrZone(1)), count: 3 })));
    expect(a[8]).toBe(0x81);
    expect(h.zones.domains!.activeDomains[1]).toBe(1);
    const bad = act32({ domain: 1, zoneId: 0, count: 3 });
    bad.writeUInt16BE(0xf802, 8);
    expectCheck(await h.run(bad), SENSE.INVALID_FIELD_IN_CDB, { in: 'cdb', byte: 8 });
    expectCheck(
      await h.run(act32({ domain: 7, zoneId: 0, count: 3 })),
      SENSE.INVALID_FIELD_IN_CDB,
      { in: 'cdb', byte: 11 },
    );
    // ADDITIONAL CDB LENGTH must be 18h (SPC-4 4.2.3); nothing is activated.
    const wrongLength = act32({ domain: 0, zoneId: zs(smrZone(0)), count: 3 });
    wrongLength[7] = 0x10;
    expectCheck(await h.run(wrongLength), SENSE.INVALID_FIELD_IN_CDB, { in: 'cdb', byte: 7 });
    expect(h.zones.domains!.activeDomains[0]).toBe(0);
  });
});

describe('ZONE ACTIVATE / ZONE QUERY, zbc2r12 layout (sg_z_act_query)', () => {
  it('ZONE ID names the domain; 32-byte descriptors; 64-bit ZIWUP', async () => {
    const h = lu({ layout: 'zbc2r12' });
    const d = expectGood(await h.run(act2r12({ zoneId: zs(smrZone(0)), count: 3 })));
    expect(d.length).toBe(64 + 2 * 32);
    expect([d.readUInt32BE(0), d.readUInt32BE(4), d[8], d[9], d[10], d[11]]).toEqual([
      64, 64, 0x81, 0, 0, 0,
    ]);
    expect([
      d[96],
      d[97],
      d[98],
      Number(d.readBigUInt64BE(104)),
      Number(d.readBigUInt64BE(112)),
    ]).toEqual([0x02, 0x10, 1, 3, zs(9)]);
    const q = expectGood(await h.run(act2r12({ query: true, zoneId: zs(smrZone(0)), count: 3 })));
    expect([q[8], q[9], Number(q.readBigUInt64BE(24))]).toEqual([0xc0, 0x01, zs(smrZone(0))]);
  });

  it('field pointers follow the layout', async () => {
    const h = lu({ layout: 'zbc2r12' });
    expectCheck(await h.run(act2r12({ zoneId: zs(9) + 8, count: 3 })), SENSE.INVALID_FIELD_IN_CDB, {
      in: 'cdb',
      byte: 2,
    });
    expectCheck(await h.run(act2r12({ zoneId: zs(9), count: 0 })), SENSE.INVALID_FIELD_IN_CDB, {
      in: 'cdb',
      byte: 10,
    });
    expectCheck(await h.run(act2r12({ zoneId: zs(8), count: 1 })), SENSE.INVALID_FIELD_IN_CDB, {
      in: 'cdb',
      byte: 2,
    });
  });
});

describe('Zone Domains mode page (0Ah/0Fh)', () => {
  const sense10 = (pc = 0, page = 0x0a, sub = 0x0f, byte1 = 0x10): Buffer => {
    const c = cdb([0x5a, byte1, (pc << 6) | page, sub]);
    c.writeUInt16BE(268, 7);
    return c;
  };

  it("libzbc's read: no block descriptor, FSNOZ / URSWRZ / MAXIMUM ACTIVATION", async () => {
    const h = lu();
    h.lu.mode.maxActivation = 5;
    const d = expectGood(await h.run(sense10()));
    expect([d.readUInt16BE(0), d.readUInt16BE(6), d.length]).toEqual([26, 0, 28]);
    expect([d[8], d[9], d.readUInt16BE(10), d.readUInt32BE(12), d[18], d.readUInt16BE(24)]).toEqual(
      [0x4a, 0x0f, 16, 1, 1, 5],
    );
    const mask = expectGood(await h.run(sense10(1)));
    expect([mask.readUInt32BE(12), mask[18], mask.readUInt16BE(24)]).toEqual([
      0xffff_ffff, 1, 0xffff,
    ]);
    const all = expectGood(await h.run(sense10(0, 0x3f, 0xff, 0x08)));
    expect(all.length).toBe(8 + 20 + 12 + 20);
  });

  it("libzbc's write-back (page length = MODE DATA LENGTH) sets both", async () => {
    const h = lu();
    const { cdb: sel, page } = zoneDomainsSelect(6, 2);
    expectGood(await h.run(sel, { dataOut: [page] }));
    expect([h.lu.mode.fsnoz, h.lu.mode.maxActivation]).toEqual([6, 2]);
    const badUrswrz = Buffer.from(page);
    badUrswrz[18] = 2; // URSWRZ is bit 0 alone
    expectCheck(await h.run(sel, { dataOut: [badUrswrz] }), SENSE.INVALID_FIELD_IN_PARAMETER_LIST, {
      in: 'parameter',
      byte: 18,
    });
    const zero = Buffer.from(page);
    zero.writeUInt32BE(0, 12);
    expectCheck(await h.run(sel, { dataOut: [zero] }), SENSE.INVALID_FIELD_IN_PARAMETER_LIST, {
      in: 'parameter',
      byte: 12,
    });
    expect([h.lu.mode.fsnoz, h.lu.mode.maxActivation]).toEqual([6, 2]);
  });

  it('URSWRZ = 0 by MODE SELECT (zbc_dev_control -ur n): page, VPD B6h, reads', async () => {
    const h = lu();
    const urswrz = async () => {
      const vpd = expectGood(await h.run([0x12, 0x01, 0xb6, 0x00, 0x40]));
      return [expectGood(await h.run(sense10()))[18], (vpd[4] ?? 0) & 1];
    };
    const read16 = cdb([0x88]);
    read16.writeBigUInt64BE(BigInt(zs(smrZone(2))), 2); // active, EMPTY: all above its WP
    read16.writeUInt32BE(8, 10);
    expectGood(await h.run(read16));
    const { cdb: sel, page } = zoneDomainsSelect(1, 0, 0);
    expectGood(await h.run(sel, { dataOut: [page] }));
    expect([await urswrz(), h.zones.urswrz]).toEqual([[0, 0], false]);
    expectCheck(await h.run(read16), SENSE.ATTEMPT_TO_READ_INVALID_DATA, null);
    expectGood(await h.run(zoneDomainsSelect(1, 0, 1).cdb, { dataOut: [page.fill(1, 18, 19)] }));
    expect(await urswrz()).toEqual([1, 1]);
    expectGood(await h.run(read16));
  });
});

describe('on an LU without zone domains', () => {
  it('the four service actions are unknown; 7Fh is an unknown opcode', async () => {
    const { domains: _none, ...plain } = domainsLayout();
    const h = harness({
      zones: new ZoneModel({ ...plain, capacityBlocks: 1344 }),
      capacityBlocks: 1344,
    });
    for (const sa of [0x06, 0x07, 0x08, 0x09]) {
      expectCheck(await h.run(zbcIn(sa, 0, 4096)), SENSE.INVALID_FIELD_IN_CDB, {
        in: 'cdb',
        byte: 1,
        bit: 4,
      });
    }
    expectCheck(
      await h.run(act32({ domain: 1, zoneId: 0, count: 3 })),
      SENSE.INVALID_COMMAND_OPERATION_CODE,
    );
    expectCheck(
      await h.run(cdb([0x5a, 0x08, 0x0a, 0x0f, 0, 0, 0, 1, 0])),
      SENSE.INVALID_FIELD_IN_CDB,
      { in: 'cdb', byte: 3 },
    );
  });
});
