// ATA PASS-THROUGH (16)/(12) on SATA LUs through the real dispatch: every malformed CDB with its
// exact sense and field pointer, each ATA command's answer and registers, and errors carrying
// the SCSI path's sense plus the ATA Status Return descriptor.
import { describe, expect, it } from 'vitest';
import { SENSE, type SenseCode } from '../../../../sense-tables/index.js';
import { ScsiStatus } from '../../../../scsi/target-contract.js';
import { parseSense } from '../../../helpers/sense.js';
import { zs } from '../../zbc/fixtures.js';
import { cdb, expectCheck, expectGood, harness, NEXUS, OTHER_NEXUS } from '../harness.js';
import { plainSata, sata } from './sata-harness.js';
import { type AtaCdbFields, ata12, ata16, ataDescriptor } from '../../../helpers/ata-cdb.js';

const IDENTIFY: AtaCdbFields = {
  protocol: 4,
  toHost: true,
  tLength: 2,
  count: 1,
  command: 0xec,
};
const readLog = (log: number, page: number, count = 1, dma = false): AtaCdbFields => ({
  protocol: dma ? 6 : 4,
  toHost: true,
  tLength: 2,
  count,
  lba: log + page * 0x100,
  command: dma ? 0x47 : 0x2f,
});
const nonData = (command: number, more: Partial<AtaCdbFields> = {}): AtaCdbFields => ({
  protocol: 3,
  command,
  ...more,
});
const word = (b: Buffer, n: number): number => b.readUInt16LE(n * 2);
const qword = (b: Buffer, at: number): bigint => b.readBigUInt64LE(at);
const ataString = (b: Buffer, at: number, length: number): string => {
  let s = '';
  for (let i = 0; i < length; i++) s += String.fromCharCode(b[at + (i ^ 1)] as number);
  return s.trimEnd();
};
const byteSum = (b: Buffer): number => b.reduce((n, x) => n + x, 0) & 0xff;

describe('the SCSI face of a SATA LU', () => {
  it('INQUIRY says vendor ATA, the model and the firmware revision', async () => {
    const h = sata();
    const d = expectGood(await h.run([0x12, 0, 0, 0, 96, 0]));
    expect(d[0]).toBe(0x14);
    expect(d.subarray(8, 16).toString('latin1')).toBe('ATA     ');
    expect(d.subarray(16, 32).toString('latin1')).toBe('ZBCTGT HM-SMR   ');
    expect(d.subarray(32, 36).toString('latin1')).toBe('0001');
  });

  it('VPD 00h lists 89h on SATA LUs only', async () => {
    const pages = async (h: ReturnType<typeof harness>) => {
      const d = expectGood(await h.run([0x12, 1, 0, 0, 64, 0]));
      return [...d.subarray(4, 4 + (d[3] as number))];
    };
    expect(await pages(sata())).toEqual([0x00, 0x80, 0x83, 0x89, 0xb0, 0xb1, 0xb6]);
    expect(await pages(harness())).not.toContain(0x89);
  });

  it.each([
    ['host-managed', 0xcd, 0xab],
    ['host-aware', 0x00, 0x00],
  ] as const)(
    'VPD 89h of a %s LU: SATL ids, D2H FIS signature, IDENTIFY data',
    async (model, mid, high) => {
      const h = sata({ model });
      const d = expectGood(await h.run([0x12, 1, 0x89, 0x02, 0x40, 0]));
      expect(d.length).toBe(572);
      expect(d.readUInt16BE(2)).toBe(0x238);
      expect(d.subarray(8, 16).toString('latin1')).toBe('ZBCTGT  ');
      expect(d[36]).toBe(0x34); // FIS type: Register D2H
      expect([d[38], d[39], d[40], d[41], d[42], d[48]]).toEqual([
        0x50,
        0x01,
        0x01,
        mid,
        high,
        0x01,
      ]);
      expect(d[56]).toBe(0xec);
      const id = d.subarray(60, 572);
      const direct = expectGood(await h.run(ata16(IDENTIFY), { expectedDataLength: 512 }));
      expect(id.equals(direct)).toBe(true);
    },
  );

  it('VPD 83h carries the T10 vendor ID designator ATA + model + serial', async () => {
    const d = expectGood(await sata().run([0x12, 1, 0x83, 0x01, 0, 0]));
    expect(d.subarray(4, 8)).toEqual(Buffer.from([0x02, 0x01, 0x00, 68]));
    expect(d.subarray(8, 16).toString('latin1')).toBe('ATA     ');
    expect(
      d
        .subarray(8 + 48, 8 + 68)
        .toString('latin1')
        .trim(),
    ).toBe('SN0001');
  });

  it('Block Limits allow 65,536 blocks per command (the ZAC limit)', async () => {
    const d = expectGood(await sata().run([0x12, 1, 0xb0, 0, 64, 0]));
    expect(d.readUInt32BE(8)).toBe(65_536);
  });

  it('a SAS LU answers ATA PASS-THROUGH with INVALID COMMAND OPERATION CODE', async () => {
    expectCheck(
      await harness().run(ata16(IDENTIFY), { expectedDataLength: 512 }),
      SENSE.INVALID_COMMAND_OPERATION_CODE,
    );
    expectCheck(
      await harness().run(ata12(IDENTIFY), { expectedDataLength: 512 }),
      SENSE.INVALID_COMMAND_OPERATION_CODE,
    );
  });
});

describe('malformed pass-through CDBs: 5/24/00 and the field pointer, as libata', () => {
  const cases: [string, Buffer, number, number][] = [
    ['protocol 0 (hard reset)', ata16({ ...IDENTIFY, protocol: 0 }), 512, 1],
    ['protocol 1 (SRST)', ata16({ ...IDENTIFY, protocol: 1 }), 512, 1],
    ['protocol 7 (DMA queued)', ata16({ ...IDENTIFY, protocol: 7 }), 512, 1],
    ['protocol 9 (device reset)', ata16({ ...IDENTIFY, protocol: 9 }), 512, 1],
    ['protocol 15 (return response information)', ata16({ ...IDENTIFY, protocol: 15 }), 512, 1],
    ['MULTIPLE_COUNT without READ/WRITE MULTIPLE', ata16({ ...IDENTIFY, multiple: 1 }), 512, 1],
    ['T_LENGTH 0 with a data-in buffer', ata16({ ...IDENTIFY, tLength: 0 }), 512, 2],
    ['T_LENGTH 0 with a data-in buffer (12)', ata12({ ...IDENTIFY, tLength: 0 }), 512, 2],
    ['T_LENGTH 0 with a data buffer, unknown command', ata16(nonData(0x77)), 512, 2],
    ['IDENTIFY with T_DIR to the device', ata16({ ...IDENTIFY, toHost: false }), 512, 2],
    ['IDENTIFY with a data-out protocol', ata16({ ...IDENTIFY, protocol: 5 }), 512, 1],
    [
      'IDENTIFY with the length in FEATURES',
      ata16({ ...IDENTIFY, tLength: 1, features: 1 }),
      512,
      2,
    ],
    [
      'IDENTIFY in bytes that are not 512',
      ata16({ ...IDENTIFY, byteBlock: false, count: 1 }),
      512,
      2,
    ],
    ['IDENTIFY over DMA', ata16({ ...IDENTIFY, protocol: 6 }), 512, 1],
    ['READ DMA EXT as FPDMA', ata16({ ...IDENTIFY, protocol: 12, command: 0x25 }), 512, 1],
    [
      'READ FPDMA QUEUED as DMA',
      ata16({ ...IDENTIFY, protocol: 6, command: 0x60, tLength: 1, features: 1 }),
      512,
      1,
    ],
    [
      'READ FPDMA QUEUED with the length in COUNT',
      ata16({ ...IDENTIFY, protocol: 12, command: 0x60, count: 8 }),
      512,
      2,
    ],
    [
      'WRITE DMA EXT from the device',
      ata16({ protocol: 6, toHost: true, tLength: 2, count: 1, command: 0x35 }),
      512,
      2,
    ],
    [
      'FLUSH CACHE EXT with a data buffer',
      ata16({ ...nonData(0xea), tLength: 2, count: 1 }),
      512,
      2,
    ],
    ['SET FEATURES set transfer mode (16)', ata16(nonData(0xef, { features: 0x03 })), 0, 4],
    ['SET FEATURES set transfer mode (12)', ata12(nonData(0xef, { features: 0x03 })), 0, 3],
    ['TRUSTED RECEIVE (16)', ata16({ ...IDENTIFY, command: 0x5c }), 512, 14],
    ['TRUSTED SEND DMA (12)', ata12(nonData(0x5f)), 0, 9],
  ];
  it.each(cases)('%s', async (_name, c, edtl, byte) => {
    const h = sata();
    expectCheck(await h.run(c, { expectedDataLength: edtl }), SENSE.INVALID_FIELD_IN_CDB, {
      in: 'cdb',
      byte,
    });
  });
});

describe('status and errors', () => {
  it('EXECUTE DEVICE DIAGNOSTIC with CK_COND: the exact sense bytes with the ZAC signature', async () => {
    const h = sata();
    const o = await h.run(ata16(nonData(0x90, { ckCond: true })));
    expect(o.status).toBe(ScsiStatus.CHECK_CONDITION);
    expect([...(o.sense as Buffer)]).toEqual([
      0x72, 0x01, 0x00, 0x1d, 0, 0, 0, 0x0e, 0x09, 0x0c, 0x01, 0x01, 0x00, 0x01, 0x00, 0x01, 0x00,
      0xcd, 0x00, 0xab, 0x00, 0x50,
    ]);
  });

  it('protocol 8 is accepted for EXECUTE DEVICE DIAGNOSTIC only', async () => {
    const h = sata();
    expect(
      ataDescriptor(
        (await h.run(ata16(nonData(0x90, { protocol: 8, ckCond: true })))).sense as Buffer,
      ).lba,
    ).toBe(0xabcd01);
    expectCheck(await h.run(ata16(nonData(0xea, { protocol: 8 }))), SENSE.INVALID_FIELD_IN_CDB, {
      in: 'cdb',
      byte: 1,
    });
    // An unknown command with protocol 8: the protocol is wrong for it (5/24/00), whereas with a
    // protocol it may have, the device aborts it (0B/00/00).
    expectCheck(await h.run(ata16(nonData(0x77, { protocol: 8 }))), SENSE.INVALID_FIELD_IN_CDB, {
      in: 'cdb',
      byte: 1,
    });
    expectCheck(await h.run(ata16(nonData(0x77))), SENSE.ABORTED_COMMAND);
  });

  it('a successful CK_COND reply is descriptor format even with D_SENSE 0; data still arrives', async () => {
    const h = sata();
    expect(h.lu.descriptorSense).toBe(false);
    const o = await h.run(ata12({ ...IDENTIFY, ckCond: true }), { expectedDataLength: 512 });
    expect(o.status).toBe(ScsiStatus.CHECK_CONDITION);
    expect(o.dataIn?.length).toBe(512);
    const s = parseSense(o.sense as Buffer);
    expect([s.format, s.key, s.asc, s.ascq]).toEqual(['descriptor', 1, 0x00, 0x1d]);
    expect(ataDescriptor(o.sense as Buffer)).toMatchObject({
      extend: false,
      error: 0,
      count: 1,
      status: 0x50,
    });
  });

  it('without CK_COND a successful command is GOOD with no sense', async () => {
    const o = await sata().run(ata16(nonData(0xea)));
    expect(o.status).toBe(ScsiStatus.GOOD);
    expect(o.sense).toBeUndefined();
  });

  it.each([
    ['NOP (00h)', 0x00],
    ['IDENTIFY PACKET DEVICE (A1h)', 0xa1],
    ['SET DATE & TIME EXT (77h)', 0x77],
  ])('an unsupported command %s aborts: 0B/00/00, ERROR 04h, STATUS 53h', async (_n, command) => {
    const o = await sata().run(ata16(nonData(command)));
    expectCheck(o, SENSE.ABORTED_COMMAND);
    // D_SENSE 0: fixed format, registers in INFORMATION (SAT-4 12.2.2.8)
    const s = o.sense as Buffer;
    expect([s[0], s[3], s[4], s[5], s[6]]).toEqual([0x70, 0x04, 0x53, 0x40, 0x00]);
  });

  it('an unknown subcommand aborts too (SET FEATURES 66h, ZAC MANAGEMENT OUT 05h)', async () => {
    const h = sata();
    expectCheck(await h.run(ata16(nonData(0xef, { features: 0x66 }))), SENSE.ABORTED_COMMAND);
    expectCheck(await h.run(ata16(nonData(0x9f, { features: 0x05 }))), SENSE.ABORTED_COMMAND);
  });

  it('with D_SENSE 1 errors carry the ATA Status Return descriptor first', async () => {
    const h = sata();
    h.lu.mode.dSense = true;
    const o = await h.run(ata16(nonData(0x77)));
    expectCheck(o, SENSE.ABORTED_COMMAND);
    expect((o.sense as Buffer)[8]).toBe(0x09);
    expect(ataDescriptor(o.sense as Buffer)).toEqual({
      extend: true,
      error: 0x04,
      count: 0,
      lba: 0,
      device: 0x40,
      status: 0x53,
    });
  });
});

describe('IDENTIFY DEVICE, field by field', () => {
  it('words agree with the LU (512/4096 host-managed)', async () => {
    const h = sata();
    const d = expectGood(await h.run(ata16(IDENTIFY), { expectedDataLength: 512 }));
    expect(word(d, 0) & 0x8000).toBe(0);
    expect(ataString(d, 20, 20)).toBe('SN0001');
    expect(ataString(d, 46, 8)).toBe('ZBT 0001');
    expect(ataString(d, 54, 40)).toBe('ZBCTGT HM-SMR');
    expect(word(d, 49) & 0x0300).toBe(0x0300); // LBA, DMA
    expect(word(d, 60) | (word(d, 61) << 16)).toBe(512);
    expect(word(d, 69) & 0x3).toBe(0); // host-managed: ZONED 00b
    expect(word(d, 75)).toBe(31);
    expect(word(d, 76) & 0x0100).toBe(0x0100); // NCQ
    expect(word(d, 82) & 0x0021).toBe(0x0021); // SMART, write cache
    expect(word(d, 83)).toBe(0x7400);
    expect(word(d, 84)).toBe(0x4121); // SMART error logging, GPL, WWN
    expect(word(d, 85) & 0x0020).toBe(0x0020); // write cache enabled
    expect(word(d, 86) & 0x8000).toBe(0x8000); // words 119-120 valid
    expect(word(d, 87)).toBe(0x4121);
    expect(d.readBigUInt64LE(200)).toBe(512n); // words 100-103
    expect(word(d, 106)).toBe(0x6003); // 8 logical per physical
    expect(word(d, 108) >> 12).toBe(0x5); // NAA 5
    expect(word(d, 119) & 0xc048).toBe(0x4048); // sense reporting, READ LOG DMA EXT
    expect(word(d, 120) & 0xc040).toBe(0x4040); // sense reporting enabled
    expect(word(d, 217)).toBe(1);
    expect(d.readBigUInt64LE(460)).toBe(512n); // words 230-233
    expect(d[510]).toBe(0xa5);
    expect(byteSum(d)).toBe(0);
  });

  it('a 4Kn host-aware LU: ZONED 01b, logical sector size in words 117-118', async () => {
    const d = expectGood(
      await sata({ model: 'host-aware', physicalBlockSize: 4096 }, 4096).run(ata16(IDENTIFY), {
        expectedDataLength: 512,
      }),
    );
    expect(word(d, 69) & 0x3).toBe(1);
    expect(word(d, 106)).toBe(0x5000);
    expect(word(d, 117) | (word(d, 118) << 16)).toBe(2048);
  });

  it('(12) and (16) return the same data', async () => {
    const h = sata();
    const a = expectGood(await h.run(ata12(IDENTIFY), { expectedDataLength: 512 }));
    const b = expectGood(await h.run(ata16(IDENTIFY), { expectedDataLength: 512 }));
    expect(a.equals(b)).toBe(true);
  });

  it('SET FEATURES 82h/02h and MODE SELECT share the write cache state (word 85 bit 5)', async () => {
    const h = sata();
    const wce = async () =>
      word(expectGood(await h.run(ata16(IDENTIFY), { expectedDataLength: 512 })), 85) & 0x20;
    expectGood(await h.run(ata16(nonData(0xef, { features: 0x82 }))));
    expect(h.lu.mode.wce).toBe(false);
    expect(await wce()).toBe(0);
    expectGood(await h.run(ata16(nonData(0xef, { features: 0x02 }))));
    expect(await wce()).toBe(0x20);
  });

  it('a write cache change gives other I_T nexuses 6/2A/01, as MODE SELECT (SPC-5 6.14)', async () => {
    const h = sata();
    h.target.nexusCreated(OTHER_NEXUS);
    h.lu.unitAttentions.take(OTHER_NEXUS.key); // its power-on unit attention
    const tur = (nexus = NEXUS) => h.run([0, 0, 0, 0, 0, 0], { nexus });
    expectGood(await h.run(ata16(nonData(0xef, { features: 0x82 }))));
    expectCheck(await tur(OTHER_NEXUS), SENSE.MODE_PARAMETERS_CHANGED);
    expectGood(await tur(OTHER_NEXUS));
    expectGood(await tur()); // not the nexus that changed it
    // Disabling it again changes nothing: no unit attention.
    expectGood(await h.run(ata16(nonData(0xef, { features: 0x82 }))));
    expectGood(await tur(OTHER_NEXUS));
    expectGood(await h.run(ata16(nonData(0xef, { features: 0x02 }))));
    expectCheck(await tur(OTHER_NEXUS), SENSE.MODE_PARAMETERS_CHANGED);
  });
});

describe('general purpose logs', () => {
  const log = async (h: ReturnType<typeof harness>, address: number, page: number, dma = false) =>
    expectGood(await h.run(ata16(readLog(address, page, 1, dma)), { expectedDataLength: 512 }));

  it('directory: version 1, log 11h one page, log 30h ten pages', async () => {
    const d = await log(sata(), 0x00, 0);
    expect([word(d, 0), word(d, 0x11), word(d, 0x30), word(d, 0x04)]).toEqual([1, 1, 10, 0]);
  });

  it('30h page 00h lists the supported pages', async () => {
    const d = await log(sata(), 0x30, 0);
    expect(qword(d, 0)).toBe(0x8000_0000_0000_0001n);
    expect([...d.subarray(8, 9 + (d[8] as number))]).toEqual([7, 0, 1, 2, 3, 4, 5, 9]);
  });

  it('30h page 01h is the IDENTIFY data', async () => {
    const h = sata();
    const id = expectGood(await h.run(ata16(IDENTIFY), { expectedDataLength: 512 }));
    expect((await log(h, 0x30, 1)).equals(id)).toBe(true);
  });

  it('30h page 02h: capacity, sector size relationship, logical size in words', async () => {
    const d = await log(sata(), 0x30, 2, true);
    expect(qword(d, 0)).toBe(0x8000_0000_0002_0001n);
    expect(qword(d, 8)).toBe(0x8000_0000_0000_0200n);
    expect(qword(d, 16)).toBe(0xe000_0000_0003_0000n);
    expect(qword(d, 24)).toBe(0x8000_0000_0000_0100n);
  });

  it.each([
    ['host-managed', 0n],
    ['host-aware', 1n],
  ] as const)('30h page 03h: ZONED CAPABILITIES of a %s LU', async (model, zoned) => {
    const d = await log(sata({ model }), 0x30, 3, true);
    expect(qword(d, 104)).toBe(0x8000_0000_0000_0000n | zoned);
  });

  it('30h page 04h: sense data reporting follows SET FEATURES C3h', async () => {
    const h = sata();
    expect(qword(await log(h, 0x30, 4), 8) & 0x400n).toBe(0x400n);
    expectGood(await h.run(ata16(nonData(0xef, { features: 0xc3, count: 0 }))));
    expect(qword(await log(h, 0x30, 4), 8) & 0x400n).toBe(0n);
  });

  it('30h page 05h: serial, firmware and model strings', async () => {
    const d = await log(sata(), 0x30, 5);
    expect([ataString(d, 8, 20), ataString(d, 32, 8), ataString(d, 48, 40)]).toEqual([
      'SN0001',
      'ZBT 0001',
      'ZBCTGT HM-SMR',
    ]);
  });

  it.each([
    ['host-managed', 0x8000_0000_ffff_ffffn, 0x8000_0000_0000_0002n],
    ['host-aware', 0x8000_0000_0000_0002n, 0x8000_0000_ffff_ffffn],
  ] as const)(
    '30h page 09h of a %s LU: URSWRZ, open zone counts, ZAC minor version',
    async (model, optimal, max) => {
      const d = await log(sata({ model }), 0x30, 9, true);
      expect(qword(d, 0)).toBe(0x8000_0000_0009_0001n);
      expect(qword(d, 8)).toBe(0x8000_0000_0000_0001n);
      expect(qword(d, 24)).toBe(optimal);
      expect(qword(d, 32)).toBe(optimal);
      expect(qword(d, 40)).toBe(max);
      expect(qword(d, 48)).toBe(0x8000_0000_0000_05cfn);
    },
  );

  it('log 11h: two one-word counters, end marker, checksum', async () => {
    const d = await log(sata(), 0x11, 0);
    expect([word(d, 2), word(d, 3), word(d, 4), word(d, 5), word(d, 6)]).toEqual([
      0x1001, 0, 0x100a, 0, 0,
    ]);
    expect(byteSum(d)).toBe(0);
  });

  it('several pages in one command (30h pages 02h-03h) and the (12) form', async () => {
    const h = sata();
    const two = expectGood(await h.run(ata16(readLog(0x30, 2, 2)), { expectedDataLength: 1024 }));
    expect(two.subarray(512).equals(await log(h, 0x30, 3))).toBe(true);
    const viaTwelve = expectGood(await h.run(ata12(readLog(0x30, 9)), { expectedDataLength: 512 }));
    expect(viaTwelve.equals(await log(h, 0x30, 9))).toBe(true);
  });

  it.each([
    ['an unsupported log (04h)', readLog(0x04, 0)],
    ['a page past the log (30h page 0Ah)', readLog(0x30, 10)],
    ['a count running past the log', readLog(0x30, 9, 2)],
    ['COUNT 0', readLog(0x30, 0, 0)],
  ])('%s aborts', async (_n, f) => {
    expectCheck(await sata().run(ata16(f), { expectedDataLength: 512 }), SENSE.ABORTED_COMMAND);
  });
});

describe('REPORT ZONES EXT (little-endian) and ZAC MANAGEMENT OUT', () => {
  const reportExt = (count: number, options = 0, lba = 0): Buffer =>
    ata16({
      protocol: 6,
      toHost: true,
      tLength: 2,
      count,
      features: options << 8,
      lba,
      command: 0x4a,
    });
  const zacOut = (action: number, lba: number, all = false, ckCond = false): Buffer =>
    ata16(nonData(0x9f, { features: action | (all ? 0x100 : 0), lba, ckCond }));

  it('one 512-byte block still states the whole list length; fields are LE', async () => {
    const h = sata();
    const d = expectGood(await h.run(reportExt(1), { expectedDataLength: 512 }));
    expect(d.length).toBe(512);
    expect(d.readUInt32LE(0)).toBe(8 * 64);
    expect(d.readBigUInt64LE(8)).toBe(511n);
    expect([d[64], (d[65] as number) >> 4]).toEqual([0x01, 0x0]); // conventional, not WP
    expect(d.readBigUInt64LE(64 + 8)).toBe(64n);
    const third = 64 + 2 * 64;
    expect([d[third], (d[third + 1] as number) >> 4]).toEqual([0x02, 0x1]); // SWR, EMPTY
    expect(d.readBigUInt64LE(third + 16)).toBe(128n);
    expect(d.readBigUInt64LE(third + 24)).toBe(128n);
  });

  it('matches SCSI REPORT ZONES byte for byte once each field is reversed', async () => {
    const h = sata();
    const ext = expectGood(await h.run(reportExt(2), { expectedDataLength: 1024 }));
    const zbc = cdb([0x95, 0x00]);
    zbc.writeUInt32BE(1024, 10);
    const scsi = expectGood(await h.run(zbc, { expectedDataLength: 1024 }));
    expect(ext.length).toBe(scsi.length);
    const swapped = Buffer.from(scsi);
    for (const [at, n] of [
      [0, 4],
      [8, 8],
      [16, 8],
    ])
      swapped.subarray(at as number, (at as number) + (n as number)).reverse();
    for (let d = 64; d < swapped.length; d += 64)
      for (const at of [8, 16, 24]) swapped.subarray(d + at, d + at + 8).reverse();
    expect(ext.equals(swapped)).toBe(true);
  });

  it('reporting options, PARTIAL and the zone locator', async () => {
    const h = sata();
    expectGood(await h.run(zacOut(0x03, zs(3))));
    const open = expectGood(await h.run(reportExt(1, 0x03), { expectedDataLength: 512 }));
    expect(open.readUInt32LE(0)).toBe(64);
    expect(open.readBigUInt64LE(64 + 16)).toBe(BigInt(zs(3)));
    const all = expectGood(await h.run(reportExt(1, 0x00, zs(4)), { expectedDataLength: 512 }));
    expect(all.readUInt32LE(0)).toBe(4 * 64);
    const partial = expectGood(await h.run(reportExt(1, 0x80), { expectedDataLength: 512 }));
    expect(partial.readUInt32LE(0)).toBe(7 * 64);
    expectCheck(
      await h.run(reportExt(1, 0x09), { expectedDataLength: 512 }),
      SENSE.INVALID_FIELD_IN_CDB,
      null,
    );
  });

  it('OPEN, CLOSE, FINISH, RESET and ALL move zone conditions as ZBC OUT does', async () => {
    const h = sata();
    const cond = (i: number) => h.zones.zoneAt(i).condition;
    expectGood(await h.run(zacOut(0x03, zs(2))));
    expect(cond(2)).toBe(0x3);
    expectGood(await h.run(zacOut(0x01, zs(2))));
    expect(cond(2)).toBe(0x1); // an empty zone closes to EMPTY
    expectGood(await h.run(zacOut(0x02, zs(3))));
    expect(cond(3)).toBe(0xe);
    expectGood(await h.run(zacOut(0x04, 0, true)));
    expect(cond(3)).toBe(0x1);
  });

  it('OPEN beyond the limit: 7/55/0E and ERROR 04h, STATUS 53h', async () => {
    const h = sata();
    expectGood(await h.run(zacOut(0x03, zs(2))));
    expectGood(await h.run(zacOut(0x03, zs(3))));
    h.lu.mode.dSense = true;
    const o = await h.run(zacOut(0x03, zs(4), false, true));
    expectCheck(o, SENSE.INSUFFICIENT_ZONE_RESOURCES);
    expect(ataDescriptor(o.sense as Buffer)).toMatchObject({
      error: 0x04,
      status: 0x53,
      lba: zs(4),
    });
  });

  it('a ZONE ID that is not a zone start: 5/24/00 without a field pointer', async () => {
    const o = await sata().run(zacOut(0x03, zs(2) + 1));
    expectCheck(o, SENSE.INVALID_FIELD_IN_CDB, null);
  });

  it('a non-zoned SATA LU aborts the ZAC commands', async () => {
    const h = plainSata();
    expectCheck(await h.run(reportExt(1), { expectedDataLength: 512 }), SENSE.ABORTED_COMMAND);
    expectCheck(await h.run(zacOut(0x04, 0, true)), SENSE.ABORTED_COMMAND);
    const d = expectGood(await h.run(ata16(readLog(0x30, 9)), { expectedDataLength: 512 }));
    expect(qword(d, 8)).toBe(0n);
  });
});

describe('READ/WRITE DMA EXT and FPDMA QUEUED through the block I/O path', () => {
  const rw = (command: number, lba: number, sectors: number, protocol = 6): Buffer =>
    ata16({
      protocol,
      toHost: command === 0x25 || command === 0x60,
      tLength: protocol === 12 ? 1 : 2,
      ...(protocol === 12 ? { features: sectors } : { count: sectors }),
      lba,
      command,
    });
  const block = (fill: number, n = 1) => Buffer.alloc(512 * n, fill);

  it('writes at the write pointer and reads the data back', async () => {
    const h = sata();
    expectGood(
      await h.run(rw(0x35, zs(2), 8), { dataOut: [block(0xa5, 8)], expectedDataLength: 4096 }),
    );
    expect(h.zones.zoneAt(2).writePointer).toBe(zs(2) + 8);
    const d = expectGood(await h.run(rw(0x25, zs(2), 8), { expectedDataLength: 4096 }));
    expect(d.equals(block(0xa5, 8))).toBe(true);
    expectGood(
      await h.run(rw(0x61, zs(2) + 8, 8, 12), {
        dataOut: [block(0x5a, 8)],
        expectedDataLength: 4096,
      }),
    );
    const q = expectGood(await h.run(rw(0x60, zs(2) + 8, 8, 12), { expectedDataLength: 4096 }));
    expect(q.equals(block(0x5a, 8))).toBe(true);
    expect(h.store.writevSegments).toEqual([1, 1]); // the received segment, not a copy
  });

  it('a write states the bytes its sectors move out (SPDTL, for the residual)', async () => {
    const h = sata();
    const dma = await h.run(rw(0x35, zs(2), 8), {
      dataOut: [block(1, 8)],
      expectedDataLength: 4096,
    });
    expect(dma.dataOutLength).toBe(8 * 512);
    const fpdma = await h.run(rw(0x61, zs(2) + 8, 3, 12), {
      dataOut: [block(2, 3)],
      expectedDataLength: 3 * 512,
    });
    expect(fpdma.dataOutLength).toBe(3 * 512);
  });

  const failures: [
    string,
    (h: ReturnType<typeof sata>) => Promise<unknown>,
    Buffer,
    SenseCode,
    number,
  ][] = [
    [
      'a write off the write pointer',
      async () => undefined,
      rw(0x35, zs(2) + 8, 8),
      SENSE.UNALIGNED_WRITE_COMMAND,
      0x04,
    ],
    [
      'a write across a zone boundary',
      async (h) =>
        h.run(rw(0x35, zs(2), 60), { dataOut: [block(1, 60)], expectedDataLength: 60 * 512 }),
      rw(0x35, zs(2) + 60, 8),
      SENSE.WRITE_BOUNDARY_VIOLATION,
      0x04,
    ],
    [
      'COUNT 0 = 65,536 sectors, past the capacity',
      async () => undefined,
      rw(0x35, 0, 0),
      SENSE.LOGICAL_BLOCK_ADDRESS_OUT_OF_RANGE,
      0x14,
    ],
  ];
  it.each(failures)('%s: the SCSI sense plus ERROR/STATUS', async (_n, before, c, code, error) => {
    const h = sata();
    await before(h);
    h.lu.mode.dSense = true;
    const o = await h.run(c, { dataOut: [block(7, 8)], expectedDataLength: 8 * 512 });
    expectCheck(o, code);
    expect(ataDescriptor(o.sense as Buffer)).toMatchObject({ error, status: 0x53, device: 0x40 });
  });

  it('REQUEST SENSE DATA EXT returns the last failure once (key, ASC, ASCQ in the LBA)', async () => {
    const h = sata();
    await h.run(rw(0x35, zs(2) + 8, 8), { dataOut: [block(7, 8)], expectedDataLength: 4096 });
    const first = await h.run(ata16(nonData(0x0b, { ckCond: true })));
    expect(ataDescriptor(first.sense as Buffer)).toMatchObject({ lba: 0x052104, status: 0x50 });
    const second = await h.run(ata16(nonData(0x0b, { ckCond: true })));
    expect(ataDescriptor(second.sense as Buffer).lba).toBe(0);
  });

  it('with sense data reporting off, STATUS is 51h', async () => {
    const h = sata();
    expectGood(await h.run(ata16(nonData(0xef, { features: 0xc3, count: 0 }))));
    h.lu.mode.dSense = true;
    const o = await h.run(rw(0x35, zs(2) + 8, 8), {
      dataOut: [block(7, 8)],
      expectedDataLength: 4096,
    });
    expect(ataDescriptor(o.sense as Buffer).status).toBe(0x51);
  });

  it('FLUSH CACHE EXT flushes the medium', async () => {
    const h = sata();
    expectGood(await h.run(ata16(nonData(0xea))));
    expect(h.store.calls).toContain('flush');
  });
});

describe('power mode and SMART', () => {
  const smart = (feature: number, more: Partial<AtaCdbFields> = {}): AtaCdbFields => ({
    protocol: 3,
    features: feature,
    lba: 0xc24f00,
    command: 0xb0,
    extend: false,
    ...more,
  });
  const smartIn = (feature: number, lba = 0xc24f00): AtaCdbFields =>
    smart(feature, { protocol: 4, toHost: true, tLength: 2, count: 1, lba });

  it('CHECK POWER MODE answers COUNT FFh (active)', async () => {
    const o = await sata().run(ata16(nonData(0xe5, { ckCond: true, extend: false })));
    expect(ataDescriptor(o.sense as Buffer)).toMatchObject({
      count: 0xff,
      status: 0x50,
      extend: false,
    });
  });

  it('SMART RETURN STATUS: C24Fh, no threshold exceeded', async () => {
    const o = await sata().run(ata16(smart(0xda, { ckCond: true })));
    expect(ataDescriptor(o.sense as Buffer).lba).toBe(0xc24f00);
  });

  it('SMART READ DATA and READ THRESHOLDS: revision, attributes above thresholds, checksums', async () => {
    const h = sata();
    const data = expectGood(await h.run(ata16(smartIn(0xd0)), { expectedDataLength: 512 }));
    const thr = expectGood(await h.run(ata16(smartIn(0xd1)), { expectedDataLength: 512 }));
    expect([word(data, 0), byteSum(data), word(thr, 0), byteSum(thr)]).toEqual([0x10, 0, 0x10, 0]);
    for (let at = 2; data[at] !== 0; at += 12) {
      expect(thr[at]).toBe(data[at]);
      expect(data[at + 3] as number).toBeGreaterThan(thr[at + 1] as number);
    }
  });

  it('SMART READ LOG: directory, empty error and self-test logs (smartctl -a)', async () => {
    const h = sata();
    const log = async (address: number) =>
      expectGood(
        await h.run(ata16(smartIn(0xd5, 0xc24f00 + address)), { expectedDataLength: 512 }),
      );
    const dir = await log(0x00);
    // Version 1; one page of log 01h (summary error log) and 06h (self-test log), no other.
    expect([word(dir, 0), dir[2], dir[12]]).toEqual([1, 1, 1]);
    expect(dir.reduce((n, b, i) => n + (i >= 2 && b !== 0 ? 1 : 0), 0)).toBe(2);
    const errors = await log(0x01);
    // ACS-3 A.19: version 1, error log index 0, device error count (bytes 452-453) 0.
    expect([errors[0], errors[1], errors.readUInt16LE(452), byteSum(errors)]).toEqual([1, 0, 0, 0]);
    const tests = await log(0x06);
    // ACS-3 A.21: revision 0001h, self-test index (byte 508) 0.
    expect([word(tests, 0), tests[508], byteSum(tests)]).toEqual([1, 0, 0]);
    // SMART READ DATA: error logging capability (byte 370 bit 0) agrees.
    const data = expectGood(await h.run(ata16(smartIn(0xd0)), { expectedDataLength: 512 }));
    expect((data[370] as number) & 1).toBe(1);
    // A log the drive does not keep, or two pages of one it keeps: aborted.
    expectCheck(
      await h.run(ata16(smartIn(0xd5, 0xc24f09)), { expectedDataLength: 512 }),
      SENSE.ABORTED_COMMAND,
    );
    const twoPages = { ...smartIn(0xd5, 0xc24f01), count: 2 };
    expectCheck(await h.run(ata16(twoPages), { expectedDataLength: 1024 }), SENSE.ABORTED_COMMAND);
  });

  it('SMART without the C24Fh key, or disabled, aborts', async () => {
    const h = sata();
    expectCheck(await h.run(ata16(smart(0xda, { lba: 0 }))), SENSE.ABORTED_COMMAND);
    expectGood(await h.run(ata16(smart(0xd9))));
    expectCheck(await h.run(ata16(smart(0xda))), SENSE.ABORTED_COMMAND);
    expectGood(await h.run(ata16(smart(0xd8))));
    expectGood(await h.run(ata16(smart(0xda))));
  });
});
