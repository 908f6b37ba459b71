// Property: any CDB, for any opcode in the table or not, ends in GOOD, RESERVATION CONFLICT (a
// random PERSISTENT RESERVE OUT may register) or CHECK CONDITION with the exact sense its outcome
// class calls for. The classes a CDB alone decides (unknown opcode, unknown service action, a
// command the LU type does not serve, NACA) must give exactly their code and field pointer; a
// handler's refusal must be a code of its kind (zone faults only on zoned LUs, with the LBA),
// with field pointers inside the CDB's usage data. The zoned run uses the real zone model, and
// small LBAs are favoured so random CDBs reach the zone rules.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SENSE, type SenseCode } from '../../../sense-tables/index.js';
import type { CommandSpec } from '../../../scsi/command-spec.js';
import { commandTable } from '../../../scsi/command-table.js';
import { type ScsiOutcome, ScsiStatus } from '../../../scsi/target-contract.js';
import { ZoneModel } from '../../../zbc/zone-model.js';
import { fuzzProgress, fuzzRuns } from '../../helpers/fuzz-runs.js';
import { parseSense, type ParsedSense, triple } from '../../helpers/sense.js';
import { smallLayout } from '../zbc/fixtures.js';
import { FakeJournal, harness } from './harness.js';

const table = commandTable();
const opcodes = [...new Set(table.all.map((s) => s.opcode)), 0x04, 0x7f, 0xc5];
const CAPACITY = 4096;

/** Sense codes only a zone rule can produce (ZBC-2 4.4.3, 4.5; SBC-4 4.18). */
const ZONE_CODES: readonly SenseCode[] = [
  SENSE.UNALIGNED_WRITE_COMMAND,
  SENSE.WRITE_BOUNDARY_VIOLATION,
  SENSE.READ_BOUNDARY_VIOLATION,
  SENSE.ATTEMPT_TO_READ_INVALID_DATA,
  SENSE.ATTEMPT_TO_ACCESS_GAP_ZONE,
  SENSE.ZONE_IS_READ_ONLY,
  SENSE.ZONE_IS_OFFLINE,
  SENSE.ZONE_IS_INACTIVE,
  SENSE.INSUFFICIENT_ZONE_RESOURCES,
];
/** Of those, the ones that name the LBA refused in INFORMATION. */
const ZONE_CODES_WITH_LBA = ZONE_CODES.filter((c) => c !== SENSE.INSUFFICIENT_ZONE_RESOURCES);
/** Sense keys a handler may answer on a memory store with one nexus (no hardware/media error). */
const HANDLER_KEYS = new Set([0x2, 0x5, 0x7, 0xe]);

const same = (s: ParsedSense, c: SenseCode): boolean =>
  s.key === c.key && s.asc === c.asc && s.ascq === c.ascq;

type Expected =
  | { readonly kind: 'exact'; readonly code: SenseCode; readonly field?: object }
  | { readonly kind: 'handler'; readonly spec: CommandSpec };

/** What the CDB alone decides, before any handler runs (SPC-5 4.2, SAM-5 5.9.2). */
function classify(cdb: Buffer, zoned: boolean): Expected {
  const opcode = cdb[0]!;
  const found = table.lookup(opcode, cdb[1]!);
  // Neither LU here has zone domains, and both are SAS LUs: domains-only commands and ATA
  // PASS-THROUGH (sataOnly) are never served.
  const served = (s: CommandSpec) =>
    !s.domainsOnly && !s.sataOnly && (zoned ? !s.unzonedOnly : !s.zonedOnly);
  const spec = found.kind === 'found' ? found.spec : undefined;
  // GROUP CODE lengths (SPC-5 4.2.5.1); reserved and vendor-specific groups have none. A command
  // the LU does not serve has no length of its own.
  const own = spec !== undefined && served(spec) ? spec.cdbLength : undefined;
  const length = own ?? [6, 10, 10, 0, 16, 12, 0, 0][opcode >> 5]!;
  // CONTROL is the last byte, or byte 1 of a variable-length (7Fh) CDB (SPC-5 4.2.3).
  const control = opcode === 0x7f ? 1 : length - 1;
  if (length > 0 && (cdb[control]! & 0x04) !== 0) {
    return {
      kind: 'exact',
      code: SENSE.INVALID_FIELD_IN_CDB,
      field: { in: 'cdb', byte: control, bit: 2 },
    };
  }
  if (spec !== undefined && served(spec)) return { kind: 'handler', spec };
  const opcodeServed = table.all.some((s) => s.opcode === opcode && served(s));
  // A domains-only service action (REPORT REALMS...) is an unknown one on these LUs.
  const saUnknown = found.kind === 'unknown-service-action' || spec?.domainsOnly === true;
  if (saUnknown && opcodeServed) {
    return {
      kind: 'exact',
      code: SENSE.INVALID_FIELD_IN_CDB,
      field: { in: 'cdb', byte: 1, bit: 4 },
    };
  }
  return { kind: 'exact', code: SENSE.INVALID_COMMAND_OPERATION_CODE };
}

function checkOutcome(cdb: Buffer, o: ScsiOutcome, zoned: boolean, seen?: Set<string>): void {
  seen?.add(o.sense ? triple(parseSense(o.sense)) : `status ${o.status}`);
  const what = `cdb ${cdb.toString('hex')}`;
  const expected = classify(cdb, zoned);
  if (expected.kind === 'exact') {
    expect(o.status, what).toBe(ScsiStatus.CHECK_CONDITION);
    const s = parseSense(o.sense as Buffer);
    expect(triple(s), what).toBe(triple(expected.code));
    expect(s.field, what).toEqual(expected.field);
    return;
  }
  expect(
    [ScsiStatus.GOOD, ScsiStatus.CHECK_CONDITION, ScsiStatus.RESERVATION_CONFLICT],
    what,
  ).toContain(o.status);
  if (o.status !== ScsiStatus.CHECK_CONDITION) return;
  const s = parseSense(o.sense as Buffer);
  const spec = expected.spec;
  const where = `${what} (${spec.name}) -> ${triple(s)}`;
  expect(HANDLER_KEYS.has(s.key), where).toBe(true);
  expect(same(s, SENSE.INVALID_COMMAND_OPERATION_CODE), where).toBe(false);
  if (s.key === 0x2)
    expect(triple(s), where).toBe(
      triple(SENSE.LOGICAL_UNIT_NOT_READY_INITIALIZING_COMMAND_REQUIRED),
    );
  const zoneCode = ZONE_CODES.some((c) => same(s, c));
  if (zoneCode) {
    expect(zoned, `${where}: zone sense on a non-zoned LU`).toBe(true);
    if (ZONE_CODES_WITH_LBA.some((c) => same(s, c))) expect(s.information, where).toBeDefined();
  } else if (s.key === 0x7) {
    expect(triple(s), where).toBe(triple(SENSE.WRITE_PROTECTED));
  }
  if (s.key === 0x5 && (s.asc === 0x24 || s.asc === 0x26)) {
    expect(s.field, where).toBeDefined();
    expect(s.field!.in, where).toBe(s.asc === 0x24 ? 'cdb' : 'parameter');
  }
  if (s.field?.in === 'cdb') {
    // A pointer into the CDB names a field the usage data says the server examines.
    const bits = s.field.bit === undefined ? 0xff : 1 << s.field.bit;
    expect(s.field.byte, where).toBeLessThan(spec.cdbLength);
    expect(
      (spec.usage[s.field.byte] ?? 0) & bits,
      `${where} field ${JSON.stringify(s.field)}`,
    ).not.toBe(0);
  }
}

/**
 * Puts the LBA / zone ID near the start of the LU and the transfer length at `blocks`, so the
 * CDB lands on the medium and its Data-Out matches; returns the Data-Out length it asks for.
 */
function nearLba(cdb: Buffer, lba: number, blocks: number): number {
  const group = cdb[0]! >> 5;
  if (group === 1 || group === 2) {
    cdb.writeUInt32BE(lba, 2);
    cdb.writeUInt16BE(blocks, 7);
  } else if (group === 5) {
    cdb.writeUInt32BE(lba, 2);
    cdb.writeUInt32BE(blocks, 6);
  } else if (group === 4) {
    cdb.writeBigUInt64BE(BigInt(lba), 2);
    cdb.writeUInt32BE(blocks, 10);
  } else return -1;
  return blocks * 512;
}

describe('random CDBs', () => {
  for (const zoned of [false, true]) {
    const lu = zoned ? 'zoned' : 'non-zoned';
    it(`end in GOOD or the exact sense of their class (${lu} LU)`, async () => {
      const layout = smallLayout({
        capacityBlocks: CAPACITY,
        zoneSizeBlocks: 256,
        zoneCapacityBlocks: 256,
      });
      const h = harness({
        capacityBlocks: CAPACITY,
        maxTransferBlocks: 64,
        ...(zoned ? { zones: new ZoneModel(layout), journal: new FakeJournal([]) } : {}),
      });
      const seen = new Set<string>();
      const tick = fuzzProgress(`random CDBs (${zoned ? 'zoned' : 'non-zoned'})`);
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...opcodes),
          fc.uint8Array({ minLength: 15, maxLength: 15 }),
          fc.option(fc.tuple(fc.nat(CAPACITY + 64), fc.constantFrom(0, 1, 8, 16))),
          fc.uint8Array({ maxLength: 3 * 512, size: 'max' }),
          async (opcode, rest, near, data) => {
            tick();
            const cdb = Buffer.concat([Buffer.from([opcode]), Buffer.from(rest)]);
            const length = near ? nearLba(cdb, near[0] & ~7, near[1]) : -1;
            const out = length < 0 ? Buffer.from(data) : Buffer.alloc(length, data[0] ?? 0);
            const o = await h.run(cdb, { dataOut: [out] });
            checkOutcome(cdb, o, zoned, seen);
          },
        ),
        {
          numRuns: fuzzRuns(1500),
          // Always one WRITE(16) off the write pointer of the first sequential zone (LBA 520 of
          // zone 2), so the zoned run reaches the zone rules whatever the seed draws.
          examples: [[0x8a, new Uint8Array(15), [520, 8], new Uint8Array(0)]],
        },
      );
      // The runs reached the zone rules (a write off the write pointer), or none at all.
      expect(seen.has(triple(SENSE.UNALIGNED_WRITE_COMMAND))).toBe(zoned);
    });
  }

  // Random parameter lists whose length fields match the Data-Out, so the list parsers run.
  const LISTS: readonly [
    name: string,
    opcode: number,
    setLength: (c: Buffer, n: number) => void,
  ][] = [
    ['MODE SELECT(6)', 0x15, (c, n) => c.writeUInt8(Math.min(n, 0xff), 4)],
    ['MODE SELECT(10)', 0x55, (c, n) => c.writeUInt16BE(n, 7)],
    ['UNMAP', 0x42, (c, n) => c.writeUInt16BE(n, 7)],
    // Service actions 0-7 (REGISTER ... REGISTER AND IGNORE EXISTING KEY, and one unknown).
    ['PERSISTENT RESERVE OUT', 0x5f, (c) => c.writeUInt32BE(24, 5)],
  ];
  for (const [name, opcode, setLength] of LISTS) {
    it(`${name}: any parameter list ends in GOOD or exact sense`, async () => {
      const h = harness({ capacityBlocks: 4096, maxTransferBlocks: 64 });
      const tick = fuzzProgress(name);
      await fc.assert(
        fc.asyncProperty(
          fc.uint8Array({ minLength: 16, maxLength: 16 }),
          fc.uint8Array({ maxLength: 300, size: 'max' }),
          async (bytes, data) => {
            tick();
            const cdb = Buffer.from(bytes);
            cdb[0] = opcode;
            cdb[1] = (cdb[1] ?? 0) & 0x07;
            cdb.fill(0, 2, 10);
            setLength(cdb, data.length);
            const o = await h.run(cdb, { dataOut: [Buffer.from(data)] });
            checkOutcome(cdb, o, false);
          },
        ),
        { numRuns: fuzzRuns(500) },
      );
    });
  }
});
