import { describe, expect, it } from 'vitest';
import { SENSE } from '../../../../../sense-tables/index.js';
import { NEXUS, OTHER_NEXUS, expectCheck, expectGood, harness } from '../../harness.js';
import { DEFAULT_MODE_STATE } from '../../../../../scsi/mode-state.js';

const sense6 = (page: number, alloc = 255, dbd = 0, subpage = 0) => [
  0x1a,
  dbd ? 0x08 : 0,
  page,
  subpage,
  alloc,
  0,
];
const sense10 = (page: number, alloc = 1024, flags = 0) => [
  0x5a,
  flags,
  page,
  0,
  0,
  0,
  0,
  alloc >> 8,
  alloc & 0xff,
  0,
];
const select6 = (len: number, sp = 0) => [0x15, 0x10 | sp, 0, 0, len, 0];
const select10 = (len: number) => [0x55, 0x10, 0, 0, 0, 0, 0, len >> 8, len & 0xff, 0];

describe('MODE SENSE', () => {
  it('(6) 3Fh returns header, block descriptor, caching and control pages', async () => {
    const h = harness();
    const d = expectGood(await h.run(sense6(0x3f)));
    expect(d[0]).toBe(d.length - 1);
    expect(d[2]).toBe(0x10); // DPOFUA, not WP
    expect(d[3]).toBe(8);
    expect(d.readUInt32BE(4)).toBe(2048);
    expect(d.readUIntBE(9, 3)).toBe(512);
    expect([d[12], d[13], d[14]! & 0x04]).toEqual([0x08, 0x12, 0x04]); // WCE
    expect([d[32], d[33]]).toEqual([0x0a, 0x0a]);
    expect(d.length).toBe(4 + 8 + 20 + 12);
  });

  it('sets WP for a read-only LU and honours DBD', async () => {
    const d = expectGood(await harness({ readOnly: true }).run(sense6(0x08, 255, 1)));
    expect(d[2]).toBe(0x90);
    expect(d[3]).toBe(0);
    expect(d[4]).toBe(0x08);
  });

  it('(10) with LLBAA returns a 16-byte descriptor', async () => {
    const d = expectGood(await harness().run(sense10(0x0a, 1024, 0x10)));
    expect(d.readUInt16BE(0)).toBe(d.length - 2);
    expect(d[4]! & 1).toBe(1);
    expect(d.readUInt16BE(6)).toBe(16);
    expect(d.readUInt32BE(12)).toBe(2048);
    expect(d.readUInt32BE(20)).toBe(512);
    expect(d[24]).toBe(0x0a);
  });

  it('changeable values show only WCE, D_SENSE and SWP', async () => {
    const d = expectGood(await harness().run(sense6(0x40 | 0x3f, 255, 1)));
    expect([...d.subarray(4, 8)]).toEqual([0x08, 0x12, 0x04, 0]);
    expect(d.subarray(7, 24).every((b) => b === 0)).toBe(true);
    expect([...d.subarray(24, 36)]).toEqual([0x0a, 0x0a, 0x04, 0, 0x08, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('refuses saved values, unknown pages and subpages with exact sense', async () => {
    const h = harness();
    expectCheck(await h.run(sense6(0xc0 | 0x08)), SENSE.SAVING_PARAMETERS_NOT_SUPPORTED);
    expectCheck(await h.run(sense6(0x19)), SENSE.INVALID_FIELD_IN_CDB, {
      in: 'cdb',
      byte: 2,
      bit: 5,
    });
    expectCheck(await h.run(sense6(0x08, 255, 0, 1)), SENSE.INVALID_FIELD_IN_CDB, {
      in: 'cdb',
      byte: 3,
    });
    expectGood(await h.run(sense6(0x3f, 255, 0, 0xff)));
  });

  it('cuts to the allocation length but states the full length', async () => {
    const d = expectGood(await harness().run(sense6(0x3f, 4)));
    expect(d.length).toBe(4);
    expect(d[0]).toBe(43);
  });
});

describe('MODE SELECT', () => {
  async function currentPages(h: ReturnType<typeof harness>) {
    return expectGood(await h.run(sense6(0x3f, 255, 1)));
  }

  it('round-trips WCE and D_SENSE, and tells other nexuses MODE PARAMETERS CHANGED', async () => {
    const h = harness();
    h.target.nexusCreated(OTHER_NEXUS);
    h.lu.unitAttentions.take(OTHER_NEXUS.key);
    const data = Buffer.from(await currentPages(h));
    data[0] = 0;
    data[4 + 2] = 0; // WCE off
    data[24 + 2] = 0x04; // D_SENSE on
    expectGood(
      await h.run(select6(data.length), { dataOut: [data.subarray(0, 10), data.subarray(10)] }),
    );
    expect(h.lu.mode).toEqual({ ...DEFAULT_MODE_STATE, wce: false, dSense: true });
    const again = await currentPages(h);
    expect(again[6]! & 0x04).toBe(0);
    expect(again[26]! & 0x04).toBe(0x04);
    expect(h.lu.unitAttentions.peek(NEXUS.key)).toBeUndefined();
    expectCheck(
      await h.run([0, 0, 0, 0, 0, 0], { nexus: OTHER_NEXUS }),
      SENSE.MODE_PARAMETERS_CHANGED,
    );
  });

  it('MODE SELECT(10) with a block descriptor restating the geometry', async () => {
    const h = harness();
    const data = Buffer.from(expectGood(await h.run(sense10(0x08))));
    data.writeUInt16BE(0, 0);
    data[8 + 8 + 2] = 0;
    expectGood(await h.run(select10(data.length), { dataOut: [data] }));
    expect(h.lu.mode.wce).toBe(false);
    expect(await h.run(select10(data.length), { dataOut: [data] })).toMatchObject({
      dataOutLength: data.length,
    });
  });

  it('refuses bad parameter data with exact sense and parameter pointers; nothing changes', async () => {
    const h = harness();
    const base = Buffer.from(await currentPages(h));
    base[0] = 0;
    const cases: [
      string,
      (b: Buffer) => Buffer,
      typeof SENSE.INVALID_FIELD_IN_PARAMETER_LIST,
      { in: 'parameter'; byte: number; bit?: number } | undefined,
    ][] = [
      [
        'medium type',
        (b) => ((b[1] = 1), b),
        SENSE.INVALID_FIELD_IN_PARAMETER_LIST,
        { in: 'parameter', byte: 1 },
      ],
      [
        'PS bit',
        (b) => ((b[4] = 0x88), b),
        SENSE.INVALID_FIELD_IN_PARAMETER_LIST,
        { in: 'parameter', byte: 4, bit: 7 },
      ],
      [
        'unknown page',
        (b) => ((b[4] = 0x19), b),
        SENSE.INVALID_FIELD_IN_PARAMETER_LIST,
        { in: 'parameter', byte: 4, bit: 5 },
      ],
      [
        'page length',
        (b) => ((b[5] = 0x10), b),
        SENSE.INVALID_FIELD_IN_PARAMETER_LIST,
        { in: 'parameter', byte: 5 },
      ],
      [
        'unchangeable RCD bit',
        (b) => ((b[6] = 0x05), b),
        SENSE.INVALID_FIELD_IN_PARAMETER_LIST,
        { in: 'parameter', byte: 6 },
      ],
      [
        'unchangeable control byte 3',
        (b) => ((b[27] = 0x10), b),
        SENSE.INVALID_FIELD_IN_PARAMETER_LIST,
        { in: 'parameter', byte: 27 },
      ],
      ['truncated page', (b) => b.subarray(0, 20), SENSE.PARAMETER_LIST_LENGTH_ERROR, undefined],
      ['short header', (b) => b.subarray(0, 3), SENSE.PARAMETER_LIST_LENGTH_ERROR, undefined],
    ];
    for (const [title, mutate, code, field] of cases) {
      const data = mutate(Buffer.from(base));
      data[26] = 0x04; // would set D_SENSE if accepted
      const o = await h.run(select6(data.length), { dataOut: [data] });
      expect(o.dataOutLength, title).toBe(data.length);
      expectCheck(o, code, field ?? null);
      expect(h.lu.mode, title).toEqual(DEFAULT_MODE_STATE);
    }
  });

  it('SWP write-protects the LU until cleared (libiscsi ModeSense6.Control-SWP)', async () => {
    const h = harness();
    const data = Buffer.from(expectGood(await h.run(sense6(0x0a, 255, 1))));
    data[0] = 0;
    data[4 + 4] = 0x08;
    expectGood(await h.run(select6(data.length), { dataOut: [data] }));
    const header = expectGood(await h.run(sense6(0x0a, 255, 1)));
    expect(header[2]! & 0x80).toBe(0x80);
    expect(header[8]! & 0x08).toBe(0x08);
    const block = Buffer.alloc(512);
    expectGood(await h.run([0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0]));
    expectCheck(
      await h.run([0x2a, 0, 0, 0, 0, 0, 0, 0, 1, 0], { dataOut: [block] }),
      SENSE.WRITE_PROTECTED,
    );
    data[4 + 4] = 0;
    expectGood(await h.run(select6(data.length), { dataOut: [data] }));
    expectGood(await h.run([0x2a, 0, 0, 0, 0, 0, 0, 0, 1, 0], { dataOut: [block] }));
  });

  it('refuses SP=1 (pointer byte 1 bit 0) and accepts an empty list', async () => {
    const h = harness();
    expectCheck(await h.run(select6(0, 1)), SENSE.INVALID_FIELD_IN_CDB, {
      in: 'cdb',
      byte: 1,
      bit: 0,
    });
    expectGood(await h.run(select6(0)));
  });
});
