import { describe, expect, it } from 'vitest';
import { SENSE } from '../../../../../sense-tables/index.js';
import { naaDesignator } from '../../../../../scsi/commands/spc/vpd-pages.js';
import { FakeZones, expectCheck, expectGood, harness } from '../../harness.js';

const inquiry = (evpd: number, page: number, alloc: number) => [
  0x12,
  evpd,
  page,
  alloc >> 8,
  alloc & 0xff,
  0,
];

describe('INQUIRY standard data', () => {
  it('claims SPC-4, HISUP, CMDQUE and a direct-access PDT on a non-zoned LU', async () => {
    const d = expectGood(await harness().run(inquiry(0, 0, 255)));
    expect(d.length).toBe(96);
    expect(d[0]).toBe(0x00);
    expect(d[2]).toBe(0x06);
    expect(d[3]).toBe(0x12);
    expect(d[4]).toBe(91);
    expect(d[7]).toBe(0x02);
    expect(d.toString('latin1', 8, 16)).toBe('ZBCTGT  ');
  });

  it('reports PDT 14h only for host-managed LUs', async () => {
    expect(
      expectGood(await harness({ zones: new FakeZones('host-managed') }).run(inquiry(0, 0, 36)))[0],
    ).toBe(0x14);
    expect(
      expectGood(await harness({ zones: new FakeZones('host-aware') }).run(inquiry(0, 0, 36)))[0],
    ).toBe(0x00);
  });

  it('cuts to the allocation length without error', async () => {
    const d = expectGood(await harness().run(inquiry(0, 0, 5)));
    expect(d.length).toBe(5);
    expect(d[4]).toBe(91);
  });

  it('refuses CMDDT (byte 1 bit 1) and a page code with EVPD 0 (byte 2)', async () => {
    const h = harness();
    expectCheck(await h.run(inquiry(0x02, 0, 36)), SENSE.INVALID_FIELD_IN_CDB, {
      in: 'cdb',
      byte: 1,
      bit: 1,
    });
    expectCheck(await h.run(inquiry(0, 0x80, 36)), SENSE.INVALID_FIELD_IN_CDB, {
      in: 'cdb',
      byte: 2,
    });
    h.lu.mode.dSense = true;
    const s = expectCheck(await h.run(inquiry(0, 0x80, 36)), SENSE.INVALID_FIELD_IN_CDB, {
      in: 'cdb',
      byte: 2,
    });
    expect(s.format).toBe('descriptor');
  });
});

describe('VPD pages', () => {
  it('00h lists exactly the served pages, and each listed page answers', async () => {
    for (const h of [harness(), harness({ zones: new FakeZones('host-managed') })]) {
      const d = expectGood(await h.run(inquiry(1, 0, 255)));
      const pages = [...d.subarray(4, 4 + d.readUInt16BE(2))];
      expect(pages).toEqual([...pages].sort((a, b) => a - b));
      expect(pages).not.toContain(0x89);
      for (const p of pages) {
        const page = expectGood(await h.run(inquiry(1, p, 1024)));
        expect(page[1]).toBe(p);
        expect(page.length).toBe(4 + page.readUInt16BE(2));
      }
      if (h.lu.zones) expect(pages).toEqual([0x00, 0x80, 0x83, 0xb0, 0xb1, 0xb6]);
      else expect(pages).toEqual([0x00, 0x80, 0x83, 0xb0, 0xb1, 0xb2]);
    }
  });

  it('refuses an unknown page with a pointer on byte 2', async () => {
    const h = harness();
    expectCheck(await h.run(inquiry(1, 0xb6, 64)), SENSE.INVALID_FIELD_IN_CDB, {
      in: 'cdb',
      byte: 2,
    });
    expectCheck(await h.run(inquiry(1, 0x89, 64)), SENSE.INVALID_FIELD_IN_CDB, {
      in: 'cdb',
      byte: 2,
    });
  });

  it('80h carries the serial', async () => {
    const d = expectGood(await harness().run(inquiry(1, 0x80, 64)));
    expect(d.toString('latin1', 4)).toBe('SN0001');
  });

  it('83h has a stable NAA 6h LU designator and iSCSI name designators', async () => {
    const d = expectGood(await harness().run(inquiry(1, 0x83, 1024)));
    expect([d[4], d[5], d[7]]).toEqual([0x01, 0x03, 16]);
    expect(d[8]! >> 4).toBe(6);
    expect(d.subarray(8, 24)).toEqual(naaDesignator('SN0001'));
    expect(naaDesignator('SN0001')).toEqual(naaDesignator('SN0001'));
    expect(naaDesignator('SN0002')).not.toEqual(naaDesignator('SN0001'));
    const text = d.toString('latin1');
    expect(text).toContain('iqn.2026-11.dev.zbc-target:test,t,0x0001\0');
    // walk designators: lengths add up to the page length
    let at = 4;
    while (at < d.length) at += 4 + d[at + 3]!;
    expect(at).toBe(d.length);
  });

  it('B0h states the transfer limits; unmap fields only on non-zoned LUs', async () => {
    const plain = expectGood(await harness({ maxTransferBlocks: 1024 }).run(inquiry(1, 0xb0, 64)));
    expect(plain.readUInt16BE(2)).toBe(0x3c);
    expect(plain[4]! & 1).toBe(1);
    expect(plain.readUInt16BE(6)).toBe(8);
    expect(plain.readUInt32BE(8)).toBe(1024);
    expect(plain.readUInt32BE(24)).toBeGreaterThan(0);
    const zoned = expectGood(
      await harness({ zones: new FakeZones('host-managed') }).run(inquiry(1, 0xb0, 64)),
    );
    expect(zoned.subarray(20, 36)).toEqual(Buffer.alloc(16));
  });

  it('B1h has page length 3Ch and ZONED 01b only for host-aware', async () => {
    const ha = expectGood(
      await harness({ zones: new FakeZones('host-aware') }).run(inquiry(1, 0xb1, 64)),
    );
    expect(ha.readUInt16BE(2)).toBe(0x3c);
    expect((ha[8]! >> 4) & 3).toBe(1);
    expect(ha.readUInt16BE(4)).toBe(1);
    const hm = expectGood(
      await harness({ zones: new FakeZones('host-managed') }).run(inquiry(1, 0xb1, 64)),
    );
    expect((hm[8]! >> 4) & 3).toBe(0);
  });

  it('B6h is served for zoned LUs with URSWRZ and max open, and honours short allocation', async () => {
    const h = harness({ zones: new FakeZones('host-managed') });
    const d = expectGood(await h.run(inquiry(1, 0xb6, 64)));
    expect(d.length).toBe(64);
    expect(d[0]).toBe(0x14);
    expect(d[4]! & 1).toBe(1);
    expect(d.readUInt32BE(16)).toBe(4);
    expect(expectGood(await h.run(inquiry(1, 0xb6, 20))).length).toBe(20);
  });
});
