// Zone metadata formats 4 and 2 (zone-domains LUs): the realm table survives a restart without
// close (as after kill -9), a torn realm page falls back to the older copy, and metadata of
// another layout is refused with one line.
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FileZoneJournal,
  JournalError,
  PAGE_SIZE,
} from '../../../../src/storage/file-zone-journal.js';
import { isActivationFault } from '../../../../zbc/domains/activation.js';
import { ZoneModel } from '../../../../zbc/zone-model.js';
import { ZoneCondition as C, ZoneType, type ZoneLayoutConfig } from '../../../../zbc/types.js';
import { cmrZone, domainsLayout, smrZone, zs } from '../../zbc/domains/fixtures.js';

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zbc-domains-journal-'));
  path = join(dir, 'disk.img.zbcmeta');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const layout = domainsLayout();
/** 21 zones: one zone-table page (three copies); the realm page pair follows it. */
const REALM_PAGE_A = PAGE_SIZE * 4;

/** Activates realm r as SMR through the model and persists what ZONE ACTIVATE persists. */
async function activateSmr(j: FileZoneJournal, m: ZoneModel, r: number): Promise<void> {
  const o = m.domains!.activate({
    query: false,
    all: false,
    zoneId: zs(smrZone(r)),
    zoneCount: 3,
    domainId: 1,
    maxActivation: 0,
  });
  if (isActivationFault(o) || o.capture === undefined) throw new Error('not activated');
  await j.persist(o.capture);
}

const conds = (m: ZoneModel, zones: number[]) => zones.map((z) => m.zoneAt(z).condition);

describe('FileZoneJournal, zone domains', () => {
  it('writes format 4 with a realm page; a fresh medium loads as null', async () => {
    const j = await FileZoneJournal.open(path, layout);
    expect(j.loaded).toBeNull();
    await j.close();
    const buf = await readFile(path);
    expect(buf.length).toBe(PAGE_SIZE * 6);
    expect(buf.readUInt32LE(8)).toBe(4);
    expect(Array.from(buf.subarray(REALM_PAGE_A + 32, REALM_PAGE_A + 36))).toEqual([0, 0, 1, 1]);
  });

  it('still reads and writes format 2 (two copies per zone page)', async () => {
    const j = await FileZoneJournal.open(path, layout, { format: true, copies: 2 });
    const m = new ZoneModel(layout, j.loaded);
    await activateSmr(j, m, 0);
    await j.close();
    const buf = await readFile(path);
    expect([buf.length, buf.readUInt32LE(8)]).toEqual([PAGE_SIZE * 5, 2]);
    const again = await FileZoneJournal.open(path, layout);
    expect(Array.from(again.loaded?.realmDomains ?? [])).toEqual([1, 0, 1, 1]);
    await again.close();
  });

  it('activation state survives a restart without close (kill -9)', async () => {
    const j = await FileZoneJournal.open(path, layout);
    const m = new ZoneModel(layout, j.loaded);
    await activateSmr(j, m, 0);
    await activateSmr(j, m, 1);
    // no close: the process is gone
    const again = await FileZoneJournal.open(path, layout);
    expect(Array.from(again.loaded?.realmDomains ?? [])).toEqual([1, 1, 1, 1]);
    const n = new ZoneModel(layout, again.loaded);
    expect(conds(n, [cmrZone(0), cmrZone(1, 1), smrZone(0), smrZone(1, 2)])).toEqual([
      C.INACTIVE,
      C.INACTIVE,
      C.EMPTY,
      C.EMPTY,
    ]);
    await again.close();
    await j.close();
  });

  it('a torn realm page falls back to the older copy; zone records follow it', async () => {
    const j = await FileZoneJournal.open(path, layout);
    const m = new ZoneModel(layout, j.loaded);
    await activateSmr(j, m, 0); // realm page copy B, generation 2
    await j.close();
    const fh = await open(path, 'r+');
    await fh.write(Buffer.from([0xff]), 0, 1, REALM_PAGE_A + PAGE_SIZE + 40);
    await fh.close();
    const again = await FileZoneJournal.open(path, layout);
    expect(Array.from(again.loaded?.realmDomains ?? [])).toEqual([0, 0, 1, 1]);
    // The zone records say realm 0 is SMR; the realm table (older copy) wins.
    const n = new ZoneModel(layout, again.loaded);
    expect(conds(n, [cmrZone(0), smrZone(0)])).toEqual([C.NOT_WRITE_POINTER, C.INACTIVE]);
    await again.close();
  });

  it('both realm page copies bad: refused with one line', async () => {
    (await FileZoneJournal.open(path, layout)).close();
    const fh = await open(path, 'r+');
    await fh.write(Buffer.alloc(2 * PAGE_SIZE, 0x41), 0, 2 * PAGE_SIZE, REALM_PAGE_A);
    await fh.close();
    const e = await FileZoneJournal.open(path, layout).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(JournalError);
    expect((e as Error).message).toBe(
      `metadata ${path}: realm table page: CRC32C mismatch in both copies (use --format to re-create)`,
    );
  });

  it('refuses metadata of another model or another domains layout', async () => {
    await (await FileZoneJournal.open(path, layout)).close();
    const { domains: _none, ...plain } = layout;
    const other = domainsLayout(ZoneType.CONVENTIONAL, { restrictedRealms: [2] });
    const msg = async (l: ZoneLayoutConfig) =>
      ((await FileZoneJournal.open(path, l).catch((x: unknown) => x)) as Error).message;
    expect(await msg(plain)).toBe(
      `metadata ${path}: has zone domains but --model asks for no zone domains (use --format to re-create)`,
    );
    expect(await msg(other)).toMatch(
      /^metadata .*: zone domains layout #[0-9a-f]+ does not match --profile #[0-9a-f]+ \(use --format/,
    );
  });
});
