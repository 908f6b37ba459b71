import { describe, expect, it } from 'vitest';
import { SENSE } from '../../../../../sense-tables/index.js';
import { commandTable, controlByteIndex } from '../../../../../scsi/command-table.js';
import { SUPPORTED_TMFS } from '../../../../../scsi/commands/spc/report-supported-tmfs.js';
import { ScsiStatus } from '../../../../../scsi/target-contract.js';
import { ZoneModel } from '../../../../../zbc/zone-model.js';
import { domainsLayout } from '../../../zbc/domains/fixtures.js';
import { smallLayout } from '../../../zbc/fixtures.js';
import { FakeZones, type Harness, NEXUS, expectCheck, expectGood, harness } from '../../harness.js';

const rsoc = (options: number, opcode = 0, sa = 0, alloc = 8192, rctd = 0) => [
  0xa3,
  0x0c,
  (rctd ? 0x80 : 0) | options,
  opcode,
  sa >> 8,
  sa & 0xff,
  alloc >>> 24,
  (alloc >> 16) & 0xff,
  (alloc >> 8) & 0xff,
  alloc & 0xff,
  0,
  0,
];

describe('REPORT LUNS', () => {
  it('lists LUNs with the full list length even when truncated', async () => {
    const h = harness();
    const d = expectGood(await h.run([0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0]));
    expect(d.length).toBe(16);
    expect(d.readUInt32BE(0)).toBe(8);
    const short = expectGood(await h.run([0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0]));
    expect([...short]).toEqual([0, 0, 0, 8]);
  });
  it('refuses a reserved SELECT REPORT with a pointer on byte 2', async () => {
    expectCheck(
      await harness().run([0xa0, 0, 0x05, 0, 0, 0, 0, 0, 0, 16, 0, 0]),
      SENSE.INVALID_FIELD_IN_CDB,
      { in: 'cdb', byte: 2 },
    );
  });
});

describe('REPORT SUPPORTED OPERATION CODES', () => {
  it('every table entry is found by its opcode/SA, with usage data of its CDB length', () => {
    const all = commandTable().all;
    expect(all.length).toBeGreaterThan(30);
    for (const s of all) {
      expect(s.usage.length, s.name).toBe(s.cdbLength);
      expect(s.usage[0], s.name).toBe(s.opcode);
      expect(s.usage[controlByteIndex(s.opcode, s.cdbLength)], `${s.name} control byte`).toBe(0x04);
      const found = commandTable().lookup(s.opcode, s.serviceAction ?? 0);
      expect(found.kind === 'found' && found.spec === s, s.name).toBe(true);
    }
  });

  // Each row's own handler, called directly with its own opcode (and service action), does the
  // command: it neither disowns it (5/20/00, 5/24/00 on the service action) nor throws; and every
  // field it refuses with a pointer is one the row's CDB USAGE DATA says the server examines.
  it('every row handler serves its own command, refusing only fields in its usage', async () => {
    const zoned = (sata = false): Harness =>
      harness({
        capacityBlocks: 512,
        zones: new ZoneModel(smallLayout()),
        ...(sata ? { interface: 'sata' as const } : {}),
      });
    const domains = (): Harness => {
      const layout = domainsLayout();
      return harness({ capacityBlocks: layout.capacityBlocks, zones: new ZoneModel(layout) });
    };
    for (const s of commandTable().all) {
      const h = s.domainsOnly
        ? domains()
        : s.sataOnly
          ? zoned(true)
          : s.zonedOnly
            ? zoned()
            : harness({ capacityBlocks: 512 });
      const base = Buffer.alloc(s.cdbLength);
      base[0] = s.opcode;
      if (s.serviceAction !== undefined) base[1] = s.serviceAction;
      const variants = [base];
      for (let byte = 1; byte < s.cdbLength - 1; byte++) {
        for (let bit = 0; bit < 8; bit++) {
          const c = Buffer.from(base);
          c[byte]! ^= 1 << bit;
          variants.push(c);
        }
      }
      for (const [i, cdb] of variants.entries()) {
        const cmd = { nexus: NEXUS, lun: 0, tag: 1, expectedDataLength: 0, cdb, dataOut: [] };
        const ctx = { cmd, cdb, lu: h.lu, target: h.lu.target, commands: commandTable() };
        const r = await s.handler(ctx, s.decode?.(cdb));
        const what = `${s.name} cdb ${cdb.toString('hex')}`;
        if (r.status !== 'check') continue;
        expect(r.code, what).not.toEqual(SENSE.INTERNAL_TARGET_FAILURE);
        if (i === 0) expect(r.code, what).not.toEqual(SENSE.INVALID_COMMAND_OPERATION_CODE);
        const field = r.details?.field;
        if (field?.in !== 'cdb') continue;
        const examined = s.usage[field.byte] ?? 0;
        const bits = field.bit === undefined ? 0xff : 1 << field.bit;
        const why = `${what}: pointer ${JSON.stringify(field)} not in usage`;
        expect(examined & bits, why).not.toBe(0);
      }
    }
  });

  it('every data-out command states its SPDTL for residuals, and only those', () => {
    for (const s of commandTable().all) {
      expect(s.dataOutLength !== undefined, s.name).toBe(
        s.direction === 'out' || s.direction === 'either',
      );
    }
  });

  it('option 0 lists exactly the commands that dispatch accepts on the LU', async () => {
    for (const h of [
      harness(),
      harness({ zones: new FakeZones('host-managed') }),
      harness({ zones: new FakeZones('host-managed'), interface: 'sata' }),
    ]) {
      const d = expectGood(await h.run(rsoc(0)));
      const n = d.readUInt32BE(0) / 8;
      const listed = new Set<string>();
      for (let i = 0; i < n; i++) {
        const at = 4 + 8 * i;
        const servact = (d[at + 5]! & 1) !== 0;
        listed.add(`${d[at]}/${servact ? d.readUInt16BE(at + 2) : '-'}`);
        // each listed command is accepted by dispatch: not 5/20/00 and not 5/24/00 on byte 1 bit 4
        const cdb = Buffer.alloc(16);
        cdb[0] = d[at]!;
        if (servact) cdb[1] = d.readUInt16BE(at + 2);
        const o = await h.run(cdb);
        if (o.status === ScsiStatus.CHECK_CONDITION) {
          expect(o.sense![12], `opcode ${d[at]!.toString(16)}`).not.toBe(0x20);
        }
      }
      expect(listed.has('148/-') || listed.has('148/4')).toBe(h.lu.zones !== undefined); // 94h ZBC OUT
      expect(listed.has('66/-')).toBe(h.lu.zones === undefined); // 42h UNMAP
      expect(listed.has('158/16')).toBe(true); // READ CAPACITY(16)
      const sata = h.lu.sata !== undefined;
      expect([listed.has('133/-'), listed.has('161/-')]).toEqual([sata, sata]); // ATA PT(16)/(12)
    }
  });

  it('option 0 with RCTD adds a 12-byte timeouts descriptor to each', async () => {
    const d = expectGood(await harness().run(rsoc(0, 0, 0, 8192, 1)));
    const n = d.readUInt32BE(0) / 20;
    expect(Number.isInteger(n)).toBe(true);
    expect(d[4 + 5]! & 0x02).toBe(0x02);
    expect(d.readUInt16BE(4 + 8)).toBe(0x0a);
  });

  it('option 1 reports one command with its usage data', async () => {
    const d = expectGood(await harness().run(rsoc(1, 0x28)));
    expect(d[1]! & 7).toBe(0b011);
    expect(d.readUInt16BE(2)).toBe(10);
    expect([...d.subarray(4)]).toEqual([
      0x28, 0xf8, 0xff, 0xff, 0xff, 0xff, 0x00, 0xff, 0xff, 0x04,
    ]);
    const not = expectGood(await harness().run(rsoc(1, 0x04)));
    expect(not[1]! & 7).toBe(0b001);
  });

  it('option 1 on an opcode with service actions, and option 2 on one without, are invalid', async () => {
    const h = harness();
    expectCheck(await h.run(rsoc(1, 0x9e)), SENSE.INVALID_FIELD_IN_CDB, {
      in: 'cdb',
      byte: 2,
      bit: 2,
    });
    expectCheck(await h.run(rsoc(2, 0x28)), SENSE.INVALID_FIELD_IN_CDB, {
      in: 'cdb',
      byte: 2,
      bit: 2,
    });
    expectCheck(await h.run(rsoc(5)), SENSE.INVALID_FIELD_IN_CDB, { in: 'cdb', byte: 2, bit: 2 });
  });

  it('options 2 and 3 find service actions', async () => {
    const h = harness();
    const rc16 = expectGood(await h.run(rsoc(2, 0x9e, 0x10)));
    expect(rc16[1]! & 7).toBe(0b011);
    expect(rc16[5]).toBe(0x10);
    // every service-action command of a SAS LU reports its service action in the usage data
    // (the SATA-only ATA PASS-THROUGH(32): ata-pass-through-32.test.ts)
    for (const s of commandTable().all.filter(
      (c) => c.serviceAction !== undefined && !c.zonedOnly && !c.sataOnly,
    )) {
      const d = expectGood(await h.run(rsoc(2, s.opcode, s.serviceAction)));
      expect(d[5]! & 0x1f, s.name).toBe(s.serviceAction);
    }
    expect(expectGood(await h.run(rsoc(2, 0x9e, 0x11)))[1]! & 7).toBe(0b001);
    expect(expectGood(await h.run(rsoc(3, 0x9e, 0x10)))[1]! & 7).toBe(0b011);
    expect(expectGood(await h.run(rsoc(3, 0x28, 0)))[1]! & 7).toBe(0b011);
    expect(expectGood(await h.run(rsoc(3, 0x28, 1)))[1]! & 7).toBe(0b001);
  });
});

describe('REPORT SUPPORTED TASK MANAGEMENT FUNCTIONS', () => {
  it('reports the TMF table bits, with REPD the 16-byte form', async () => {
    const h = harness();
    const d = expectGood(await h.run([0xa3, 0x0d, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0]));
    expect(d.length).toBe(4);
    expect(d[0]).toBe(0x80 | 0x40 | 0x10 | 0x08 | 0x02);
    expect(SUPPORTED_TMFS.length).toBe(5);
    const r = expectGood(await h.run([0xa3, 0x0d, 0x80, 0, 0, 0, 0, 0, 0, 16, 0, 0]));
    expect(r.length).toBe(16);
    expect(r[3]).toBe(0x0c);
  });
});
