// ATA PASS-THROUGH under a command hook: the hook sees the ATA command inside as its SCSI
// counterpart (class, LBA range), a fault rule written for SCSI writes catches WRITE DMA EXT, and
// an injected error answers as a SATL reports a failed ATA command (sense + ATA registers).
import { describe, expect, it } from 'vitest';
import { SENSE } from '../../../../sense-tables/index.js';
import { ATA_COMMAND_TABLE } from '../../../../scsi/commands/sat/ata-command-table.js';
import type {
  CommandHook,
  CommandObservation,
  CommandView,
} from '../../../../scsi/ports/command-hook.js';
import { FaultEngine } from '../../../../src/admin/fault-engine.js';
import { parseFaultRule } from '../../../../src/admin/fault-rules.js';
import { type AtaCdbFields, ata12, ata16, ataDescriptor } from '../../../helpers/ata-cdb.js';
import { parseSense } from '../../../helpers/sense.js';
import { zs } from '../../zbc/fixtures.js';
import { expectCheck, expectGood } from '../harness.js';
import { sata } from './sata-harness.js';

type Seen = Pick<CommandView, 'commandClass' | 'lba' | 'blocks'>;

const LBA = zs(3) + 8;
const SECTORS = 8;
const OTHER: Seen = { commandClass: 'other', lba: -1, blocks: 0 };
const DATA = (commandClass: 'read' | 'write'): Seen => ({
  commandClass,
  lba: LBA,
  blocks: SECTORS,
});
const ZONE_ACTION: Seen = { commandClass: 'zone', lba: LBA, blocks: 0 };

/**
 * What the hook must see of each ATA row, as its SCSI counterpart: READ(16)/WRITE(16) for the
 * data commands, ZBC OUT for ZAC MANAGEMENT OUT, 'other' (no range) as ZBC IN, SYNCHRONIZE
 * CACHE and the SPC commands are.
 */
const EXPECTED: Record<string, Seen> = {
  'REQUEST SENSE DATA EXT': OTHER,
  'READ DMA EXT': DATA('read'),
  'READ LOG EXT': OTHER,
  'WRITE DMA EXT': DATA('write'),
  'WRITE DMA FUA EXT': DATA('write'),
  'READ LOG DMA EXT': OTHER,
  'REPORT ZONES EXT': OTHER,
  'READ FPDMA QUEUED': DATA('read'),
  'WRITE FPDMA QUEUED': DATA('write'),
  'EXECUTE DEVICE DIAGNOSTIC': OTHER,
  'CLOSE ZONE EXT': ZONE_ACTION,
  'FINISH ZONE EXT': ZONE_ACTION,
  'OPEN ZONE EXT': ZONE_ACTION,
  'RESET WRITE POINTER EXT': ZONE_ACTION,
  'SMART READ DATA': OTHER,
  'SMART READ THRESHOLDS': OTHER,
  'SMART READ LOG': OTHER,
  'SMART ENABLE OPERATIONS': OTHER,
  'SMART DISABLE OPERATIONS': OTHER,
  'SMART RETURN STATUS': OTHER,
  'CHECK POWER MODE': OTHER,
  'FLUSH CACHE': OTHER,
  'FLUSH CACHE EXT': OTHER,
  'IDENTIFY DEVICE': OTHER,
  'SET FEATURES (enable volatile write cache)': OTHER,
  'SET FEATURES (disable volatile write cache)': OTHER,
  'SET FEATURES (enable read look-ahead)': OTHER,
  'SET FEATURES (disable read look-ahead)': OTHER,
  'SET FEATURES (sense data reporting)': OTHER,
  // ZAC-2 zone domains: as REPORT REALMS, REPORT ZONE DOMAINS, ZONE ACTIVATE/QUERY(16).
  'REPORT REALMS': OTHER,
  'REPORT ZONE DOMAINS': OTHER,
  'ZONE ACTIVATE EXT': OTHER,
  'ZONE ACTIVATE EXT (ALL)': OTHER,
  'ZONE QUERY EXT': OTHER,
  'ZONE QUERY EXT (ALL)': OTHER,
  'SET FEATURES (zone activation control)': OTHER,
  'SET FEATURES (update URSWRZ)': OTHER,
  'SET FEATURES (maximum activation)': OTHER,
};

/** A hook that records what it is shown and lets every command run. */
function recorder(): CommandHook & { views: CommandView[]; observed: CommandObservation[] } {
  const views: CommandView[] = [];
  const observed: CommandObservation[] = [];
  return {
    views,
    observed,
    intercepting: true,
    before: (v) => {
      views.push(v);
      return undefined;
    },
    after: (o) => {
      observed.push({ ...o }); // the target refills one record per command
    },
  };
}

/** A CDB for the row: its protocol, COMMAND, FEATURE subcommand or FPDMA sector count. */
function cdbFor(row: (typeof ATA_COMMAND_TABLE.rows)[number]): AtaCdbFields {
  const fpdma = row.lengthIn === 'features';
  return {
    protocol: row.protocols[0] as number,
    command: row.command,
    features: row.feature ?? (fpdma ? SECTORS : 0),
    count: fpdma ? 0 : SECTORS,
    lba: LBA,
    toHost: row.direction === 'in',
    tLength: row.direction === 'none' ? 0 : fpdma ? 1 : 2,
  };
}

describe('the hook view of an ATA PASS-THROUGH command', () => {
  it('names every ATA row in the expected table', () => {
    expect(ATA_COMMAND_TABLE.rows.map((r) => r.name).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(ATA_COMMAND_TABLE.rows.map((r) => [r.name, r] as const))(
    '%s: class and range of its SCSI counterpart, named by the ATA command',
    async (name, row) => {
      const h = sata();
      const hook = recorder();
      h.target.setCommandHook(hook);
      await h.run(ata16(cdbFor(row)));
      const view = hook.views[0];
      expect(view).toMatchObject({ opcode: 0x85, serviceAction: -1, ...EXPECTED[name] });
      expect(view?.ata).toMatchObject({ command: row.command, name });
      // What `after` reports has the same refined class and ATA command.
      expect(hook.observed[0]).toMatchObject({ commandClass: view?.commandClass, ata: view?.ata });
    },
  );

  it('reads the 28-bit LBA of the (12) form and marks an unknown ATA command other', async () => {
    const h = sata();
    const hook = recorder();
    h.target.setCommandHook(hook);
    const read12 = { protocol: 6, toHost: true, tLength: 2, count: 4, lba: zs(2), command: 0x25 };
    await h.run(ata12(read12), { expectedDataLength: 4 * 512 });
    await h.run(ata16({ protocol: 3, command: 0x07 }));
    expect(hook.views[0]).toMatchObject({ commandClass: 'read', lba: zs(2), blocks: 4 });
    expect(hook.views[1]).toMatchObject(OTHER);
    expect(hook.views[1]?.ata).toBeUndefined();
  });

  it('COUNT 0 of WRITE DMA EXT spans 65,536 sectors', async () => {
    const h = sata();
    const hook = recorder();
    h.target.setCommandHook(hook);
    await h.run(ata16({ protocol: 6, tLength: 2, count: 0, lba: zs(2), command: 0x35 }));
    expect(hook.views[0]).toMatchObject({ commandClass: 'write', blocks: 65_536 });
  });
});

describe('a fault rule on ATA commands', () => {
  /** The LU with a fault engine as its hook, zones of the small layout. */
  function faulted(rule: unknown) {
    const h = sata();
    const engine = new FaultEngine({
      zoneRange: (_target, _lun, zone) => ({ start: zs(zone), end: zs(zone + 1) }),
      dropSession: () => {},
    });
    engine.add(parseFaultRule(rule));
    h.lu.mode.dSense = true; // descriptor sense: the ATA registers and INFORMATION side by side
    h.target.setCommandHook({
      intercepting: true,
      before: (v) => engine.before(v),
      after: () => {},
    });
    return { ...h, engine };
  }
  const writeDma = (lba: number, ckCond = false) =>
    ata16({ protocol: 6, tLength: 2, count: SECTORS, lba, command: 0x35, ckCond });
  const data = { dataOut: [Buffer.alloc(SECTORS * 512, 0x5a)], expectedDataLength: 4096 };

  it('written for writes in a zone, fails WRITE DMA EXT there as the device would', async () => {
    const h = faulted({
      class: 'write',
      zone: 3,
      action: { type: 'sense', preset: 'write-error' },
    });
    const o = await h.run(writeDma(zs(3)), data);
    expectCheck(o, SENSE.WRITE_ERROR);
    const sense = o.sense as Buffer;
    expect(ataDescriptor(sense)).toEqual({
      extend: true,
      error: 0x04, // ABRT
      count: SECTORS,
      lba: zs(3),
      device: 0x40,
      status: 0x53, // DRDY DSC ERR, SENSE DATA AVAILABLE (sense reporting is on)
    });
    expect(parseSense(sense).information).toBe(BigInt(zs(3)));
    // Nothing was written; the failure is the pending sense REQUEST SENSE DATA EXT returns.
    expect(h.zones.zoneAt(3).writePointer).toBe(zs(3));
    const rs = await h.run(ata16({ protocol: 3, ckCond: true, command: 0x0b }));
    expect(ataDescriptor(rs.sense as Buffer).lba).toBe(0x03_0c_00);
    expect(h.engine.list()[0]).toMatchObject({ matches: 1, fired: 1 });
  });

  it('with D_SENSE 0 the injected error is fixed format, registers in INFORMATION', async () => {
    const h = faulted({ class: 'write', action: { type: 'sense', preset: 'write-error' } });
    h.lu.mode.dSense = false;
    const o = await h.run(writeDma(zs(3)), data);
    expectCheck(o, SENSE.WRITE_ERROR);
    const s = o.sense as Buffer;
    // SAT-4 12.2.2.8: ERROR, STATUS, DEVICE, COUNT(7:0).
    expect([s[0], s[3], s[4], s[5], s[6]]).toEqual([0x70, 0x04, 0x53, 0x40, SECTORS]);
  });

  it('leaves reads, other zones and non-data ATA commands alone', async () => {
    const h = faulted({
      class: 'write',
      zone: 3,
      action: { type: 'sense', preset: 'write-error' },
    });
    expectGood(await h.run(writeDma(zs(4)), data));
    const read = { protocol: 6, toHost: true, tLength: 2, count: 1, lba: zs(3), command: 0x25 };
    expectGood(await h.run(ata16(read), { expectedDataLength: 512 }));
    expectGood(await h.run(ata16({ protocol: 3, command: 0xea })));
    expect(h.engine.list()[0]).toMatchObject({ matches: 0, fired: 0 });
    expect(h.zones.zoneAt(4).writePointer).toBe(zs(4) + SECTORS);
  });

  it('an unrecovered read error on READ DMA EXT sets ERROR UNC and the failing LBA', async () => {
    const bad = { first: zs(1) + 3, last: zs(1) + 3 };
    const h = faulted({
      class: 'read',
      lba: bad,
      action: { type: 'sense', preset: 'unrecovered-read-error' },
    });
    const read = { protocol: 6, toHost: true, tLength: 2, count: 8, lba: zs(1), command: 0x25 };
    const o = await h.run(ata16(read), { expectedDataLength: 8 * 512 });
    expectCheck(o, SENSE.UNRECOVERED_READ_ERROR);
    expect(ataDescriptor(o.sense as Buffer)).toMatchObject({ error: 0x40, status: 0x53 });
    expect(parseSense(o.sense as Buffer).information).toBe(BigInt(zs(1) + 3));
  });

  it('ataCommand picks one: FLUSH CACHE EXT fails, FLUSH CACHE and writes do not', async () => {
    const h = faulted({
      ataCommand: 'FLUSH CACHE EXT',
      action: { type: 'sense', preset: 'write-error' },
    });
    expectGood(await h.run(writeDma(zs(3)), data));
    expectGood(await h.run(ata16({ protocol: 3, command: 0xe7 })));
    expectCheck(await h.run(ata16({ protocol: 3, command: 0xea })), SENSE.WRITE_ERROR);
    expect(h.engine.list()[0]).toMatchObject({ matches: 1, fired: 1 });
  });

  it('a zone rule catches RESET WRITE POINTER EXT of that zone, as it does ZBC OUT', async () => {
    const h = faulted({ class: 'zone', zone: 3, action: { type: 'status', status: 'busy' } });
    expectGood(await h.run(writeDma(zs(3)), data));
    const reset = ata16({ protocol: 3, features: 0x04, lba: zs(3), command: 0x9f });
    expect((await h.run(reset)).status).toBe(0x08); // BUSY
    expect(h.zones.zoneAt(3).writePointer).toBe(zs(3) + SECTORS);
  });
});
