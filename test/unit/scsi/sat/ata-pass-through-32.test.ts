// ATA PASS-THROUGH (32), 7Fh service action 1FF0h (SAT-4 12.2.4), through the real dispatch: the
// same task file and answers as the (16) form, every refusal with the (32) form's field pointer,
// the variable-length service action told apart from ZONE ACTIVATE(32) and listed by RSOC.
import { describe, expect, it } from 'vitest';
import { SENSE } from '../../../../sense-tables/index.js';
import type { CommandView } from '../../../../scsi/ports/command-hook.js';
import { ZoneModel } from '../../../../zbc/zone-model.js';
import { type Ata32Fields, ata16, ata32, ataDescriptor } from '../../../helpers/ata-cdb.js';
import { domainsLayout } from '../../zbc/domains/fixtures.js';
import { zs } from '../../zbc/fixtures.js';
import { cdb, expectCheck, expectGood, harness } from '../harness.js';
import { sata } from './sata-harness.js';

const IDENTIFY: Ata32Fields = { protocol: 4, toHost: true, tLength: 2, count: 1, command: 0xec };
const nonData = (command: number, more: Partial<Ata32Fields> = {}): Ata32Fields => ({
  protocol: 3,
  command,
  ...more,
});
const dma = (command: number, lba: number, sectors: number): Ata32Fields => ({
  protocol: 6,
  toHost: command === 0x25,
  tLength: 2,
  count: sectors,
  lba,
  command,
});

describe('ATA PASS-THROUGH (32) on a SATA LU', () => {
  it('IDENTIFY DEVICE returns what the (16) form returns', async () => {
    const h = sata();
    const long = expectGood(await h.run(ata32(IDENTIFY), { expectedDataLength: 512 }));
    const short = expectGood(await h.run(ata16(IDENTIFY), { expectedDataLength: 512 }));
    expect(long).toHaveLength(512);
    expect(long.equals(short)).toBe(true);
  });

  it('READ LOG EXT takes the page number from LBA(15:8) and LBA(39:32)', async () => {
    const h = sata();
    const log = (page: number) =>
      h.run(
        ata32({
          ...IDENTIFY,
          command: 0x2f,
          lba: 0x30 + (page & 0xff) * 0x100 + (page >> 8) * 2 ** 32,
        }),
        {
          expectedDataLength: 512,
        },
      );
    const zoned = expectGood(await log(0x09));
    expect(
      zoned.equals(
        expectGood(
          await h.run(ata16({ ...IDENTIFY, command: 0x2f, lba: 0x930 }), {
            expectedDataLength: 512,
          }),
        ),
      ),
    ).toBe(true);
    // Page 0109h (LBA(39:32) = 01h) is no page of log 30h: the device aborts.
    expectCheck(await log(0x109), SENSE.ABORTED_COMMAND);
  });

  it('WRITE and READ DMA EXT move data at a 48-bit LBA through the zone model', async () => {
    const h = sata();
    const data = Buffer.alloc(8 * 512, 0xc3);
    expectGood(
      await h.run(ata32(dma(0x35, zs(2), 8)), { dataOut: [data], expectedDataLength: 4096 }),
    );
    expect(h.zones.zoneAt(2).writePointer).toBe(zs(2) + 8);
    const back = expectGood(await h.run(ata32(dma(0x25, zs(2), 8)), { expectedDataLength: 4096 }));
    expect(back.equals(data)).toBe(true);
  });

  it('a 28-bit command takes LBA(27:24) from DEVICE bits 3:0, as the (16) form', async () => {
    const h = sata();
    const views: CommandView[] = [];
    h.target.setCommandHook({
      intercepting: true,
      before: (v) => {
        views.push(v);
        return undefined;
      },
      after: () => {},
    });
    const read = { ...dma(0x25, 0x00_0040, 1), extend: false, device: 0x41 };
    await h.run(ata32(read), { expectedDataLength: 512 });
    expect(views[0]).toMatchObject({
      opcode: 0x7f,
      serviceAction: 0x1ff0,
      commandClass: 'read',
      lba: 0x100_0040,
      blocks: 1,
    });
  });

  it('CK_COND returns the registers in the ATA Status Return descriptor', async () => {
    const o = await sata().run(ata32(nonData(0x90, { ckCond: true })));
    expectCheck(o, SENSE.ATA_PASS_THROUGH_INFORMATION_AVAILABLE);
    expect(ataDescriptor(o.sense as Buffer)).toMatchObject({ lba: 0xabcd01, status: 0x50 });
  });

  it('ICC and AUXILIARY are carried without changing the command', async () => {
    const h = sata();
    const o = await h.run(ata32({ ...IDENTIFY, icc: 0x7f, auxiliary: 0x1234_5678 }), {
      expectedDataLength: 512,
    });
    expect(expectGood(o)).toHaveLength(512);
  });
});

describe('malformed ATA PASS-THROUGH (32): 5/24/00 with the (32) form field pointer', () => {
  const cases: [string, Ata32Fields, number, number][] = [
    ['ADDITIONAL CDB LENGTH not 18h', { ...IDENTIFY, additionalLength: 0x10 }, 512, 7],
    ['protocol 0 (hard reset)', { ...IDENTIFY, protocol: 0 }, 512, 10],
    ['protocol 15', { ...IDENTIFY, protocol: 15 }, 512, 10],
    ['MULTIPLE_COUNT without READ/WRITE MULTIPLE', { ...IDENTIFY, multiple: 1 }, 512, 10],
    ['T_LENGTH 0 with a data-in buffer', { ...IDENTIFY, tLength: 0 }, 512, 11],
    ['IDENTIFY with T_DIR to the device', { ...IDENTIFY, toHost: false }, 512, 11],
    ['IDENTIFY with a data-out protocol', { ...IDENTIFY, protocol: 5 }, 512, 10],
    ['IDENTIFY in bytes that are not 512', { ...IDENTIFY, byteBlock: false }, 512, 11],
    ['SET FEATURES set transfer mode', nonData(0xef, { features: 0x03 }), 0, 21],
    ['TRUSTED RECEIVE', { ...IDENTIFY, command: 0x5c }, 512, 25],
  ];
  it.each(cases)('%s', async (_name, fields, edtl, byte) => {
    expectCheck(
      await sata().run(ata32(fields), { expectedDataLength: edtl }),
      SENSE.INVALID_FIELD_IN_CDB,
      { in: 'cdb', byte },
    );
  });

  it('NACA in CONTROL (byte 1) is refused before the command runs', async () => {
    expectCheck(
      await sata().run(ata32({ ...IDENTIFY, control: 0x04 }), { expectedDataLength: 512 }),
      SENSE.INVALID_FIELD_IN_CDB,
      { in: 'cdb', byte: 1, bit: 2 },
    );
  });

  it('another 7Fh service action on a SATA LU: the SERVICE ACTION field, byte 8', async () => {
    for (const serviceAction of [0x1ff1, 0xf800]) {
      expectCheck(
        await sata().run(ata32({ ...nonData(0xe5), serviceAction })),
        SENSE.INVALID_FIELD_IN_CDB,
        { in: 'cdb', byte: 8 },
      );
    }
  });

  it('a SAS LU answers 5/20/00, a zone domains LU (ZONE ACTIVATE(32)) byte 8', async () => {
    expectCheck(await harness().run(ata32(nonData(0xe5))), SENSE.INVALID_COMMAND_OPERATION_CODE);
    const layout = domainsLayout();
    const domains = harness({
      capacityBlocks: layout.capacityBlocks,
      zones: new ZoneModel(layout),
    });
    expectCheck(await domains.run(ata32(nonData(0xe5))), SENSE.INVALID_FIELD_IN_CDB, {
      in: 'cdb',
      byte: 8,
    });
  });
});

describe('REPORT SUPPORTED OPERATION CODES on a SATA LU', () => {
  /** RSOC for one opcode and service action (REPORTING OPTIONS 010b). */
  const rsoc = (opcode: number, serviceAction: number): Buffer => {
    const c = cdb([0xa3, 0x0c, 0x02, opcode]);
    c.writeUInt16BE(serviceAction, 4);
    c.writeUInt32BE(64, 6);
    return c;
  };

  it('lists 7Fh/1FF0h with its 32-byte usage data, the service action in bytes 8-9', async () => {
    const d = expectGood(await sata().run(rsoc(0x7f, 0x1ff0), { expectedDataLength: 64 }));
    expect((d[1] as number) & 0x07).toBe(0x03); // SUPPORT: supported as in the standard
    expect(d.readUInt16BE(2)).toBe(32);
    const usage = d.subarray(4, 36);
    expect([usage[0], usage[1], usage[7], usage.readUInt16BE(8), usage[10], usage[11]]).toEqual([
      0x7f, 0x04, 0xff, 0x1ff0, 0xff, 0x3f,
    ]);
    const other = expectGood(await sata().run(rsoc(0x7f, 0xf800), { expectedDataLength: 64 }));
    expect((other[1] as number) & 0x07).toBe(0x01); // not supported
  });
});
