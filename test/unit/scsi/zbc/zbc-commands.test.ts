// ZBC IN / ZBC OUT through the real dispatch (createScsiTarget, memory store): CDB -> exact sense
// and field pointer for every error, state changes, durability of RESET / FINISH.
import { describe, expect, it } from 'vitest';
import { SENSE, type SenseCode } from '../../../../sense-tables/index.js';
import type { FieldPointer } from '../../../../scsi/command-result.js';
import {
  ZONE_FAULT_SENSE,
  zoneFaultResult,
  lbaFieldPointer,
} from '../../../../scsi/commands/zbc/index.js';
import { ZBC_COMMANDS } from '../../../../scsi/commands/zbc/index.js';
import { ZoneModel } from '../../../../zbc/zone-model.js';
import {
  ZoneCondition as C,
  type ZoneCapture,
  type ZoneFault,
  type ZoneLayoutConfig,
} from '../../../../zbc/types.js';
import type { ZoneJournal } from '../../../../zbc/zone-journal.js';
import { parseSense } from '../../../helpers/sense.js';
import { FakeJournal, expectCheck, expectGood, harness, heldFlush, settled } from '../harness.js';
import { smallLayout } from '../../zbc/fixtures.js';

const CAPACITY = 8 * 64;
/** 8 zones of 64 blocks, 2 conventional, max 2 open (the zbc unit tests' small layout). */
const layout = smallLayout;

/** Records every persisted capture as rows; can be told to fail the next persist. */
class RecordingJournal implements ZoneJournal {
  readonly loaded = null;
  readonly persisted: { zone: number; cond: number; wp: number }[][] = [];
  failNext = false;
  async persist(c: ZoneCapture): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('injected journal failure');
    }
    this.persisted.push(
      Array.from(c.zones, (zone, k) => ({ zone, cond: c.condition[k]!, wp: c.writePointer[k]! })),
    );
  }
  async close(): Promise<void> {}
}

function zoned(
  over: Partial<ZoneLayoutConfig> = {},
  extra: { readOnly?: boolean; discard?: boolean } = {},
  journal?: ZoneJournal,
) {
  const l = layout(over);
  const zones = new ZoneModel(l);
  const log: string[] = [];
  const h = harness({
    capacityBlocks: l.capacityBlocks,
    zones,
    journal: journal ?? new FakeJournal(log),
    ...extra,
  });
  return { ...h, zones, log };
}

function u64(b: number[], at: number, v: number | bigint): void {
  const big = BigInt(v);
  for (let i = 0; i < 8; i++) b[at + i] = Number((big >> BigInt(56 - 8 * i)) & 0xffn);
}

/** ZBC OUT CDB (ZBC-2 ZBC OUT). */
function zbcOut(
  sa: number,
  zoneId: number | bigint,
  o: { count?: number; all?: boolean } = {},
): number[] {
  const b = new Array<number>(16).fill(0);
  b[0] = 0x94;
  b[1] = sa;
  u64(b, 2, zoneId);
  b[12] = ((o.count ?? 0) >> 8) & 0xff;
  b[13] = (o.count ?? 0) & 0xff;
  b[14] = o.all ? 1 : 0;
  return b;
}

/** REPORT ZONES CDB (ZBC-2 REPORT ZONES). */
function reportZones(
  start: number | bigint,
  alloc: number,
  option = 0,
  partial = false,
  sa = 0,
): number[] {
  const b = new Array<number>(16).fill(0);
  b[0] = 0x95;
  b[1] = sa;
  u64(b, 2, start);
  b[10] = (alloc >>> 24) & 0xff;
  b[11] = (alloc >>> 16) & 0xff;
  b[12] = (alloc >>> 8) & 0xff;
  b[13] = alloc & 0xff;
  b[14] = (partial ? 0x80 : 0) | option;
  return b;
}

function write16(lba: number, blocks: number): number[] {
  const b = new Array<number>(16).fill(0);
  b[0] = 0x8a;
  u64(b, 2, lba);
  b[10] = (blocks >>> 24) & 0xff;
  b[11] = (blocks >>> 16) & 0xff;
  b[12] = (blocks >>> 8) & 0xff;
  b[13] = blocks & 0xff;
  return b;
}

const data = (blocks: number) => ({
  dataOut: [Buffer.alloc(blocks * 512, 0xab)],
  expectedDataLength: blocks * 512,
});
const CLOSE = 0x01;
const FINISH = 0x02;
const OPEN = 0x03;
const RESET = 0x04;
const SEQUENTIALIZE = 0x10;
const ptr = (byte: number, bit?: number): FieldPointer =>
  bit === undefined ? { in: 'cdb', byte } : { in: 'cdb', byte, bit };

describe('ZBC OUT errors (ZBC-2, in the order checked)', () => {
  const cases: {
    title: string;
    cdb: number[];
    over?: Partial<ZoneLayoutConfig>;
    prep?: number[][];
    code: SenseCode;
    field: FieldPointer | null;
  }[] = [
    {
      title: 'unsupported service action 05h',
      cdb: zbcOut(0x05, 128),
      code: SENSE.INVALID_FIELD_IN_CDB,
      field: ptr(1, 4),
    },
    {
      title: 'ZONE ID = capacity',
      cdb: zbcOut(RESET, CAPACITY),
      code: SENSE.LOGICAL_BLOCK_ADDRESS_OUT_OF_RANGE,
      field: null,
    },
    {
      title: 'ZONE ID = 2^64 - 1',
      cdb: zbcOut(OPEN, 2n ** 64n - 1n),
      code: SENSE.LOGICAL_BLOCK_ADDRESS_OUT_OF_RANGE,
      field: null,
    },
    {
      title: 'ZONE ID not a zone start',
      cdb: zbcOut(CLOSE, 129),
      code: SENSE.INVALID_FIELD_IN_CDB,
      field: ptr(2),
    },
    {
      title: 'conventional zone',
      cdb: zbcOut(FINISH, 64),
      code: SENSE.INVALID_FIELD_IN_CDB,
      field: ptr(2),
    },
    {
      title: 'ZONE COUNT past the end',
      cdb: zbcOut(RESET, 448, { count: 2 }),
      code: SENSE.LOGICAL_BLOCK_ADDRESS_OUT_OF_RANGE,
      field: null,
    },
    {
      title: 'ZONE COUNT over a gap zone',
      over: { capacityBlocks: 6 * 64, zoneCapacityBlocks: 48 },
      cdb: zbcOut(RESET, 128, { count: 2 }),
      code: SENSE.INVALID_FIELD_IN_CDB,
      field: ptr(12),
    },
    {
      title: 'read-only zone',
      over: { readOnlyZones: [3] },
      cdb: zbcOut(RESET, 192),
      code: SENSE.ZONE_IS_READ_ONLY,
      field: null,
    },
    {
      title: 'offline zone',
      over: { offlineZones: [3] },
      cdb: zbcOut(OPEN, 192),
      code: SENSE.ZONE_IS_OFFLINE,
      field: null,
    },
    {
      title: 'OPEN with every resource explicitly open',
      prep: [zbcOut(OPEN, 128), zbcOut(OPEN, 192)],
      cdb: zbcOut(OPEN, 256),
      code: SENSE.INSUFFICIENT_ZONE_RESOURCES,
      field: null,
    },
    {
      title: 'FINISH of an EMPTY zone with every resource explicitly open',
      prep: [zbcOut(OPEN, 128), zbcOut(OPEN, 192)],
      cdb: zbcOut(FINISH, 256),
      code: SENSE.INSUFFICIENT_ZONE_RESOURCES,
      field: null,
    },
    {
      title: 'OPEN ALL beyond the limit',
      prep: [
        write16(128, 8),
        zbcOut(CLOSE, 128),
        write16(192, 8),
        zbcOut(CLOSE, 192),
        zbcOut(OPEN, 256),
      ],
      cdb: zbcOut(OPEN, 0, { all: true }),
      code: SENSE.INSUFFICIENT_ZONE_RESOURCES,
      field: null,
    },
  ];
  it.each(cases)('$title', async (c) => {
    const h = zoned(c.over);
    for (const p of c.prep ?? []) expectGood(await h.run(p, p[0] === 0x8a ? data(8) : {}));
    const before = Array.from({ length: h.zones.zoneCount }, (_, i) => h.zones.zoneAt(i));
    expectCheck(await h.run(c.cdb), c.code, c.field);
    expect(Array.from({ length: h.zones.zoneCount }, (_, i) => h.zones.zoneAt(i))).toEqual(before);
  });

  it('read-only / offline faults carry the zone start as INFORMATION', async () => {
    const h = zoned({ readOnlyZones: [3] });
    const s = expectCheck(await h.run(zbcOut(RESET, 192)), SENSE.ZONE_IS_READ_ONLY);
    expect(s.information).toBe(192n);
  });

  it('on a non-zoned LU: INVALID COMMAND OPERATION CODE', async () => {
    const h = harness({ capacityBlocks: CAPACITY });
    expectCheck(await h.run(zbcOut(RESET, 128)), SENSE.INVALID_COMMAND_OPERATION_CODE, null);
    expectCheck(await h.run(reportZones(0, 512)), SENSE.INVALID_COMMAND_OPERATION_CODE, null);
  });

  it('ALL ignores ZONE ID (beyond the LU, inside a conventional zone)', async () => {
    const h = zoned();
    expectGood(await h.run(zbcOut(RESET, 2n ** 63n, { all: true })));
    expectGood(await h.run(zbcOut(CLOSE, 3, { all: true })));
  });
});

describe('ZBC OUT actions', () => {
  it('OPEN, CLOSE, FINISH, RESET, SEQUENTIALIZE change the zone as ZBC-2 says', async () => {
    const h = zoned();
    expectGood(await h.run(zbcOut(OPEN, 128)));
    expect(h.zones.zoneAt(2).condition).toBe(C.EXPLICITLY_OPENED);
    expectGood(await h.run(write16(128, 8), data(8)));
    expectGood(await h.run(zbcOut(CLOSE, 128)));
    expect(h.zones.zoneAt(2)).toMatchObject({ condition: C.CLOSED, writePointer: 136 });
    expectGood(await h.run(zbcOut(FINISH, 128)));
    expect(h.zones.zoneAt(2)).toMatchObject({ condition: C.FULL, writePointer: 192 });
    expectGood(await h.run(zbcOut(SEQUENTIALIZE, 128)));
    expectGood(await h.run(zbcOut(RESET, 128)));
    expect(h.zones.zoneAt(2)).toMatchObject({ condition: C.EMPTY, writePointer: 128 });
  });

  it('RESET and FINISH are durable before GOOD; OPEN and CLOSE are not flushed', async () => {
    const h = zoned();
    expectGood(await h.run(zbcOut(OPEN, 128)));
    expectGood(await h.run(zbcOut(CLOSE, 128)));
    expect(h.log).toEqual([]);
    expectGood(await h.run(zbcOut(FINISH, 192)));
    expect(h.log).toEqual(['persist']);
    expect(h.store.calls.filter((c) => c.startsWith('flush'))).toHaveLength(1);
    expectGood(await h.run(zbcOut(RESET, 0, { all: true })));
    expect(h.log).toEqual(['persist', 'persist']);
    // Nothing changed: nothing to persist.
    expectGood(await h.run(zbcOut(RESET, 0, { all: true })));
    expect(h.log).toEqual(['persist', 'persist']);
  });

  it('RESET persists only its zones, with no data flush; FINISH still flushes first', async () => {
    const journal = new RecordingJournal();
    const h = zoned({ maxOpen: null }, {}, journal);
    const flushes = () => h.store.calls.filter((c) => c === 'flush').length;
    expectGood(await h.run(write16(128, 8), data(8)));
    expectGood(await h.run(write16(192, 8), data(8)));
    expectGood(await h.run(zbcOut(RESET, 128)));
    expect(flushes()).toBe(0);
    expect(journal.persisted).toEqual([[{ zone: 2, cond: C.EMPTY, wp: 128 }]]);
    // Zone 3's raised WP was not marked clean: the next data flush persists it.
    expectGood(await h.run([0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
    expect(flushes()).toBe(1);
    expect(journal.persisted[1]).toContainEqual({ zone: 3, cond: C.CLOSED, wp: 200 });
    // FINISH raises the WP: data flush, then the record (a FULL record carries the data end).
    expectGood(await h.run(zbcOut(FINISH, 192)));
    expect(flushes()).toBe(2);
    expect(h.store.calls.at(-1)).toBe('flush');
    expect(journal.persisted[2]).toEqual([{ zone: 3, cond: C.FULL, wp: 200 }]);
    expectGood(await h.run(zbcOut(RESET, 0, { all: true })));
    expect(flushes()).toBe(2);
    expect(journal.persisted[3]).toEqual([{ zone: 3, cond: C.EMPTY, wp: 192 }]);
    expectGood(await h.run(zbcOut(RESET, 0, { all: true })));
    expect(journal.persisted).toHaveLength(4);
  });

  it('a RESET during a flush is persisted after the flush captured before it', async () => {
    const journal = new RecordingJournal();
    const h = zoned({}, {}, journal);
    expectGood(await h.run(write16(128, 8), data(8)));
    const flush = heldFlush(h.store);
    const sync = h.run([0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // captures zone 2 at WP 136
    const reset = h.run(zbcOut(RESET, 128));
    await flush.started;
    await settled();
    expect(journal.persisted).toEqual([]); // the RESET waits: an older record must not land last
    flush.release();
    expectGood(await sync);
    expectGood(await reset);
    expect(journal.persisted).toEqual([
      [{ zone: 2, cond: C.CLOSED, wp: 136 }],
      [{ zone: 2, cond: C.EMPTY, wp: 128 }],
    ]);
  });

  it('a failed RESET persist answers INTERNAL TARGET FAILURE and changes nothing; a retry resets', async () => {
    const journal = new RecordingJournal();
    const h = zoned({}, {}, journal);
    expectGood(await h.run(write16(128, 8), data(8)));
    journal.failNext = true;
    expectCheck(await h.run(zbcOut(RESET, 128)), SENSE.INTERNAL_TARGET_FAILURE, null);
    expect([h.zones.zoneAt(2).condition, h.zones.zoneAt(2).writePointer]).toEqual([
      C.IMPLICITLY_OPENED,
      136,
    ]);
    const back = expectGood(await h.run(read16(128, 8), { expectedDataLength: 8 * 512 }));
    expect(back.every((b) => b === 0xab)).toBe(true); // the data is still there
    // The restored record went to the journal at once (after a data flush: its WP went up).
    expect(journal.persisted).toEqual([[{ zone: 2, cond: C.CLOSED, wp: 136 }]]);
    expect(h.store.calls.filter((c) => c === 'flush')).toEqual(['flush']);
    expectGood(await h.run(zbcOut(RESET, 128)));
    expect(journal.persisted.at(-1)).toEqual([{ zone: 2, cond: C.EMPTY, wp: 128 }]);
    expect(h.zones.zoneAt(2).condition).toBe(C.EMPTY);
  });

  it('a failed FINISH flush answers INTERNAL TARGET FAILURE and leaves the zone open at its WP', async () => {
    const h = zoned();
    expectGood(await h.run(write16(192, 8), data(8)));
    h.store.failNext.flush = true;
    expectCheck(await h.run(zbcOut(FINISH, 192)), SENSE.INTERNAL_TARGET_FAILURE, null);
    expect([h.zones.zoneAt(3).condition, h.zones.zoneAt(3).writePointer]).toEqual([
      C.IMPLICITLY_OPENED,
      200,
    ]);
  });

  it('a write-protected LU refuses RESET and FINISH', async () => {
    const h = zoned({}, { readOnly: true });
    expectCheck(await h.run(zbcOut(RESET, 128)), SENSE.WRITE_PROTECTED, null);
    expectCheck(await h.run(zbcOut(FINISH, 128)), SENSE.WRITE_PROTECTED, null);
    expectGood(await h.run(zbcOut(OPEN, 128)));
  });
});

function read16(lba: number, blocks: number): number[] {
  const b = write16(lba, blocks);
  b[0] = 0x88;
  return b;
}

describe('host-aware RESET WRITE POINTER erases the old data (ZBC-2 RESET WRITE POINTER)', () => {
  // Zone 2 spans LBAs 128-191. Old data at 128-143, reset, then a non-sequential write at 160
  // moves the data end past 128-159: those blocks must read zeros, never the pre-reset bytes.
  for (const discard of [true, false]) {
    it(`${discard ? 'releases the range in a discarding store' : 'overwrites it with zeros'}, then flushes, then persists the reset`, async () => {
      const journal = new RecordingJournal();
      const lu = zoned({ model: 'host-aware', maxOpen: null }, { discard }, journal);
      expectGood(await lu.run(write16(128, 16), data(16)));
      lu.store.calls.length = 0;
      expectGood(await lu.run(zbcOut(RESET, 128)));
      const erase = discard ? 'discard 65536 8192' : 'writev 65536 8192';
      expect(lu.store.calls).toEqual([erase, 'flush']);
      expect(journal.persisted.at(-1)).toEqual([{ zone: 2, cond: C.EMPTY, wp: 128 }]);
      expectGood(await lu.run(write16(160, 8), data(8)));
      const back = expectGood(await lu.run(read16(128, 40), { expectedDataLength: 40 * 512 }));
      expect(back.subarray(0, 32 * 512).every((b) => b === 0)).toBe(true);
      expect(back.subarray(32 * 512).every((b) => b === 0xab)).toBe(true);
    });
  }

  it('a reset of a zone without data erases nothing', async () => {
    const h = zoned({ model: 'host-aware', maxOpen: null });
    expectGood(await h.run(zbcOut(OPEN, 128)));
    h.store.calls.length = 0;
    expectGood(await h.run(zbcOut(RESET, 128)));
    expect(h.store.calls).toEqual([]);
  });
});

describe('REPORT ZONES (ZBC IN 95h/00h)', () => {
  it('full report: header and descriptors', async () => {
    const h = zoned();
    expectGood(await h.run(write16(128, 8), data(8)));
    const r = expectGood(await h.run(reportZones(0, 8192)));
    expect(r.length).toBe(64 + 8 * 64);
    expect(r.readUInt32BE(0)).toBe(8 * 64);
    expect(r.readBigUInt64BE(8)).toBe(BigInt(CAPACITY - 1));
    expect([r[64 + 2 * 64], r[64 + 2 * 64 + 1]]).toEqual([0x02, 0x20]);
    expect(r.readBigUInt64BE(64 + 2 * 64 + 24)).toBe(136n);
  });

  it('reuses an unchanged reply; any zone change or another request gets a new one', async () => {
    const h = zoned();
    const wpOfZone2 = (r: Buffer) => r.readBigUInt64BE(64 + 2 * 64 + 24);
    expectGood(await h.run(write16(128, 8), data(8)));
    const first = expectGood(await h.run(reportZones(0, 8192)));
    expect(expectGood(await h.run(reportZones(0, 8192)))).toBe(first);
    expect(expectGood(await h.run(reportZones(0, 128))).length).toBe(128);
    expect(expectGood(await h.run(reportZones(0, 8192)))).not.toBe(first);
    // The zone stays IMPLICITLY OPENED: only its write pointer moves.
    expectGood(await h.run(write16(136, 8), data(8)));
    const after = expectGood(await h.run(reportZones(0, 8192)));
    expect([wpOfZone2(first), wpOfZone2(after)]).toEqual([136n, 144n]);
  });

  it('allocation length 0, 1, 63, 100: truncated, never an error', async () => {
    const h = zoned();
    const full = expectGood(await h.run(reportZones(0, 8192)));
    for (const alloc of [0, 1, 63, 100]) {
      const r = expectGood(await h.run(reportZones(0, alloc)));
      expect(r).toEqual(full.subarray(0, alloc));
    }
  });

  it('PARTIAL and the reserved bit 6 of byte 14', async () => {
    const h = zoned();
    expect(expectGood(await h.run(reportZones(0, 192, 0, true))).readUInt32BE(0)).toBe(128);
    expect(expectGood(await h.run(reportZones(0, 192, 0x40))).readUInt32BE(0)).toBe(512);
  });

  it('reserved reporting option: 5/24/00, field pointer byte 14 bit 5', async () => {
    const h = zoned();
    expectCheck(await h.run(reportZones(0, 512, 0x09)), SENSE.INVALID_FIELD_IN_CDB, ptr(14, 5));
    expectCheck(await h.run(reportZones(0, 512, 0x3d)), SENSE.INVALID_FIELD_IN_CDB, ptr(14, 5));
  });

  it('ZONE START LBA beyond MAXIMUM LBA: 5/21/00', async () => {
    const h = zoned();
    expectCheck(
      await h.run(reportZones(CAPACITY, 512)),
      SENSE.LOGICAL_BLOCK_ADDRESS_OUT_OF_RANGE,
      null,
    );
    expectCheck(
      await h.run(reportZones(2n ** 64n - 1n, 512)),
      SENSE.LOGICAL_BLOCK_ADDRESS_OUT_OF_RANGE,
      null,
    );
  });

  it.each([0x06, 0x07, 0x08, 0x09, 0x01])(
    'ZBC IN service action %s: 5/24/00 pointer byte 1 bit 4',
    async (sa) => {
      const h = zoned();
      expectCheck(
        await h.run(reportZones(0, 512, 0, false, sa)),
        SENSE.INVALID_FIELD_IN_CDB,
        ptr(1, 4),
      );
    },
  );
});

describe('zone faults in WRITE (through the SBC handlers)', () => {
  it('WRITE(16) off the WP: 5/21/04 with INFORMATION', async () => {
    const h = zoned();
    const s = expectCheck(await h.run(write16(136, 8), data(8)), SENSE.UNALIGNED_WRITE_COMMAND);
    expect(s.information).toBe(136n);
  });

  it('write into a FULL zone: 5/24/00 pointing at the LBA field of each CDB size', async () => {
    const h = zoned();
    expectGood(await h.run(zbcOut(FINISH, 128)));
    expectCheck(await h.run(write16(128, 8), data(8)), SENSE.INVALID_FIELD_IN_CDB, ptr(2));
    const w10 = [0x2a, 0, 0, 0, 0, 128, 0, 0, 8, 0];
    expectCheck(await h.run(w10, data(8)), SENSE.INVALID_FIELD_IN_CDB, ptr(2));
    const w6 = [0x0a, 0, 0, 128, 8, 0];
    expectCheck(await h.run(w6, data(8)), SENSE.INVALID_FIELD_IN_CDB, ptr(1, 4));
  });

  it('write across the zone end: 5/21/05; all resources explicitly open: 7/55/0E', async () => {
    const h = zoned();
    expectCheck(await h.run(write16(184, 16), data(16)), SENSE.WRITE_BOUNDARY_VIOLATION);
    expectGood(await h.run(zbcOut(OPEN, 192)));
    expectGood(await h.run(zbcOut(OPEN, 256)));
    expectCheck(await h.run(write16(128, 8), data(8)), SENSE.INSUFFICIENT_ZONE_RESOURCES, null);
  });
});

describe('ZONE_FAULT_SENSE', () => {
  const W16 = Buffer.from(write16(0, 1));
  const rows: [ZoneFault, SenseCode, { information?: number; field?: FieldPointer }][] = [
    [{ kind: 'unaligned-write', lba: 7 }, SENSE.UNALIGNED_WRITE_COMMAND, { information: 7 }],
    [{ kind: 'write-boundary', lba: 7 }, SENSE.WRITE_BOUNDARY_VIOLATION, { information: 7 }],
    [
      { kind: 'write-to-full-zone', lba: 7 },
      SENSE.INVALID_FIELD_IN_CDB,
      { information: 7, field: ptr(2) },
    ],
    [{ kind: 'insufficient-zone-resources' }, SENSE.INSUFFICIENT_ZONE_RESOURCES, {}],
    [{ kind: 'zone-read-only', lba: 7 }, SENSE.ZONE_IS_READ_ONLY, { information: 7 }],
    [{ kind: 'zone-offline', lba: 7 }, SENSE.ZONE_IS_OFFLINE, { information: 7 }],
    [{ kind: 'zone-inactive', lba: 7 }, SENSE.ZONE_IS_INACTIVE, { information: 7 }],
    [{ kind: 'read-boundary', lba: 7 }, SENSE.READ_BOUNDARY_VIOLATION, { information: 7 }],
    [{ kind: 'read-invalid-data', lba: 7 }, SENSE.ATTEMPT_TO_READ_INVALID_DATA, { information: 7 }],
    [{ kind: 'gap-zone-access', lba: 7 }, SENSE.ATTEMPT_TO_ACCESS_GAP_ZONE, { information: 7 }],
    [{ kind: 'zone-id-out-of-range' }, SENSE.LOGICAL_BLOCK_ADDRESS_OUT_OF_RANGE, {}],
    [{ kind: 'invalid-zone-id' }, SENSE.INVALID_FIELD_IN_CDB, { field: ptr(2) }],
    [{ kind: 'invalid-zone-count' }, SENSE.INVALID_FIELD_IN_CDB, { field: ptr(12) }],
    [{ kind: 'invalid-reporting-option' }, SENSE.INVALID_FIELD_IN_CDB, { field: ptr(14, 5) }],
  ];
  it.each(rows)('%o', (fault, code, details) => {
    const r = zoneFaultResult(fault, W16);
    expect(r).toEqual(
      Object.keys(details).length ? { status: 'check', code, details } : { status: 'check', code },
    );
  });

  it('covers every kind, with the expected sense keys', () => {
    expect(Object.keys(ZONE_FAULT_SENSE).sort()).toEqual(rows.map(([f]) => f.kind).sort());
    expect(ZONE_FAULT_SENSE['insufficient-zone-resources'].code.key).toBe(0x7);
    expect(ZONE_FAULT_SENSE['zone-read-only'].code).toMatchObject({
      key: 7,
      asc: 0x27,
      ascq: 0x08,
    });
  });

  it('LBA field pointer by CDB size: 6, 10, 12, 16, 32 bytes', () => {
    expect(lbaFieldPointer(Buffer.from([0x0a]))).toEqual(ptr(1, 4));
    expect(lbaFieldPointer(Buffer.from([0x2a]))).toEqual(ptr(2));
    expect(lbaFieldPointer(Buffer.from([0xaa]))).toEqual(ptr(2));
    expect(lbaFieldPointer(Buffer.from([0x93]))).toEqual(ptr(2));
    expect(lbaFieldPointer(Buffer.from([0x7f]))).toEqual(ptr(12));
  });

  it('the encoded fixed-format sense carries SKSV, C/D and the pointer in bytes 15–17', async () => {
    const h = zoned();
    const o = await h.run(reportZones(0, 512, 0x12));
    expect([...(o.sense as Buffer).subarray(15, 18)]).toEqual([0xc0 | 0x08 | 5, 0x00, 14]);
  });
});

describe('ZBC_COMMANDS specs', () => {
  it('are zoned-only 16-byte commands with CDB usage data of the right length', () => {
    expect(ZBC_COMMANDS.map((s) => [s.opcode, s.serviceAction, s.name])).toEqual([
      [0x94, 0x01, 'CLOSE ZONE'],
      [0x94, 0x02, 'FINISH ZONE'],
      [0x94, 0x03, 'OPEN ZONE'],
      [0x94, 0x04, 'RESET WRITE POINTER'],
      [0x94, 0x10, 'SEQUENTIALIZE ZONE'],
      [0x95, 0x00, 'REPORT ZONES'],
      [0x95, 0x06, 'REPORT REALMS'],
      [0x95, 0x07, 'REPORT ZONE DOMAINS'],
      [0x95, 0x08, 'ZONE ACTIVATE(16)'],
      [0x95, 0x09, 'ZONE QUERY(16)'],
      [0x7f, 0xf800, 'ZONE ACTIVATE(32)'],
      [0x7f, 0xf801, 'ZONE QUERY(32)'],
    ]);
    for (const s of ZBC_COMMANDS) {
      expect(s.zonedOnly).toBe(true);
      expect(s.cdbLength).toBe(s.opcode === 0x7f ? 32 : 16);
      expect(s.usage).toHaveLength(s.cdbLength);
      expect(s.usage[0]).toBe(s.opcode);
    }
  });
});

describe('descriptor-format sense', () => {
  it('carries the field pointer in a sense key specific descriptor', async () => {
    const h = zoned();
    h.lu.mode = { ...h.lu.mode, dSense: true };
    const o = await h.run(zbcOut(OPEN, 129));
    const s = parseSense(o.sense as Buffer);
    expect(s.format).toBe('descriptor');
    expect(s.field).toEqual(ptr(2));
  });
});
