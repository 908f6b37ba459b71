import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigError,
  DEFAULT_IQN,
  loadConfigFile,
  parseListen,
  resolveConfig,
} from '../../../src/config.js';

const T = 'iqn.2026-11.dev.zbc-target:t1';
const one = (lun: Record<string, unknown>, target: Record<string, unknown> = {}) => ({
  targets: [{ name: T, luns: [{ lun: 0, ...lun }], ...target }],
});
const resolve = (input: unknown) => resolveConfig(input, { baseDir: '/base' });
function errorOf(input: unknown): string {
  try {
    resolve(input);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    const msg = (e as Error).message;
    expect(msg).not.toContain('\n');
    return msg;
  }
  throw new Error('expected a ConfigError');
}

const TOO_SHORT =
  'must be at least 12 bytes (96 bits; RFC 7143 12.1.3 allows less only under IPsec)';
const SAME_SECRET = "must differ from the initiator's CHAP secret (RFC 7143 12.1.3)";

describe('resolveConfig', () => {
  it('resolves the default profile for a bare LUN (in memory)', () => {
    const c = resolve(one({}));
    expect(c.listen).toEqual({ host: '127.0.0.1', port: 3260 });
    const lun = c.targets[0]?.luns[0];
    expect(lun?.storage).toEqual({ kind: 'memory' });
    expect(lun?.layout).toEqual({
      model: 'host-managed',
      blockSize: 512,
      physicalBlockSize: 4096,
      capacityBlocks: 2097152,
      zoneSizeBlocks: 8192,
      zoneCapacityBlocks: 8192,
      conventionalZones: 8,
      maxOpen: 8,
      urswrz: true,
      readOnlyZones: [],
      offlineZones: [],
    });
    expect(lun?.serial).toMatch(/^[0-9A-F]{16}$/);
    expect(lun?.interface).toBe('sas');
  });

  it('applies overrides on top of a profile; sizes in bytes become blocks', () => {
    const c = resolve(
      one({
        profile: 'default',
        capacity: '256MiB',
        blockSize: 4096,
        zoneSize: '16MiB',
        conventionalZones: 2,
        maxOpen: 'unlimited',
        urswrz: false,
        readOnlyZones: [5],
        offlineZones: [6],
        backing: 'd.img',
        format: true,
      }),
    );
    const lun = c.targets[0]?.luns[0];
    expect(lun?.layout).toMatchObject({
      blockSize: 4096,
      physicalBlockSize: 4096,
      capacityBlocks: 65536,
      zoneSizeBlocks: 4096,
      zoneCapacityBlocks: 4096,
      conventionalZones: 2,
      maxOpen: null,
      urswrz: false,
      readOnlyZones: [5],
      offlineZones: [6],
    });
    expect(lun?.storage).toEqual({ kind: 'file', path: '/base/d.img', format: true });
  });

  it('model zone-domains: zd-hybrid, host-managed with domains, libzbc layout', () => {
    const lun = resolveConfig(
      { targets: [{ name: T, luns: [{ lun: 0, model: 'zone-domains', zoneSize: '8MiB' }] }] },
      { baseDir: '/' },
    ).targets[0]?.luns[0];
    const summary = [lun?.profile, lun?.layout.model, lun?.activateLayout];
    expect(summary).toEqual(['zd-hybrid', 'host-managed', 'libzbc']);
    expect(lun?.layout.domains?.realms).toBe(16);
    expect(lun?.layout.capacityBlocks).toBe(81 * 16384); // the domains' zones at the new zone size
  });

  it('resolves several targets and LUNs, sorted by LUN', () => {
    const c = resolve({
      listen: '[::1]:3261',
      queueDepth: 64,
      targets: [
        { name: T, luns: [{ lun: 1, model: 'none' }, { lun: 0 }] },
        {
          name: 'iqn.2026-11.dev.zbc-target:t2',
          chap: { user: 'u', secret: 's3cretsecret' },
          initiators: ['iqn.x:y'],
          luns: [{ lun: 0, profile: 'ha-small' }],
        },
      ],
    });
    expect(c.listen).toEqual({ host: '::1', port: 3261 });
    expect(c.queueDepth).toBe(64);
    expect(c.targets[0]?.luns.map((l) => [l.lun, l.layout.model])).toEqual([
      [0, 'host-managed'],
      [1, 'none'],
    ]);
    expect(c.targets[1]?.luns[0]?.layout.model).toBe('host-aware');
    expect(c.targets[1]?.chap).toEqual({ user: 'u', secret: 's3cretsecret' });
  });

  it.each([
    [one({ zoneSize: '3MiB' }), 'config: targets[0].luns[0].zoneSize: must be a power of two'],
    [
      one({ zoneSize: 'big' }),
      'config: targets[0].luns[0].zoneSize: not a size: "big" (examples: 4MiB, 256M, 20TB, 4096)',
    ],
    [
      one({ capacity: 1000 }),
      'config: targets[0].luns[0].capacity: 1000 bytes is not a multiple of the block size (512 bytes)',
    ],
    [
      one({ zoneCapacity: '8MiB' }),
      'config: targets[0].luns[0].zoneCapacity: 8 MiB is larger than the zone size (4 MiB)',
    ],
    [
      one({ conventionalZones: 256 }),
      'config: targets[0].luns[0].conventionalZones: leaves no sequential zone (at least one is required)',
    ],
    [
      one({ blockSize: 1000 }),
      'config: targets[0].luns[0].blockSize: must be 512, 1024, 2048 or 4096',
    ],
    [
      one({ physicalBlockSize: 256 }),
      'config: targets[0].luns[0].physicalBlockSize: must be a power of two between the block size and 65536',
    ],
    [
      one({ model: 'drive-managed' }),
      'config: targets[0].luns[0].model: must be host-managed, host-aware, none or zone-domains',
    ],
    [
      one({ model: 'zone-domains', profile: 'default' }),
      'config: targets[0].luns[0].profile: "default" has no zone domains (use zd-hybrid, zd-sobr)',
    ],
    [
      one({ activateLayout: 'zbc2r12' }),
      'config: targets[0].luns[0].activateLayout: only for model zone-domains',
    ],
    [
      one({ model: 'zone-domains', activateLayout: 'draft' }),
      'config: targets[0].luns[0].activateLayout: must be libzbc or zbc2r12',
    ],
    [
      one({ model: 'zone-domains', capacity: '1GiB' }),
      "config: targets[0].luns[0].capacity: must be 81 zones of the zone size (the domains' zones)",
    ],
    [one({ interface: 'nvme' }), 'config: targets[0].luns[0].interface: must be sas or sata'],
    [one({ maxOpen: 0 }), 'config: targets[0].luns[0].maxOpen: must be at least 1'],
    [
      one({ maxOpen: 'many' }),
      'config: targets[0].luns[0].maxOpen: must be a positive integer or "unlimited"',
    ],
    [
      one({ profile: 'nope' }),
      'config: targets[0].luns[0].profile: unknown profile "nope" (known: default, hm-20tb, hm-gap-small, ha-small, zd-hybrid, zd-sobr, none-small)',
    ],
    [
      one({ readOnlyZones: [3] }),
      'config: targets[0].luns[0].readOnlyZones: zone 3 is not a sequential zone',
    ],
    [
      one({ offlineZones: [9999] }),
      'config: targets[0].luns[0].offlineZones: zone index 9999 does not exist',
    ],
    [one({ zoneSzie: '4MiB' }), 'config: targets[0].luns[0]: unknown field "zoneSzie"'],
    [one({ lun: 300 }), 'config: targets[0].luns[0].lun: must be 0 to 255'],
    [
      one({ backing: 'x', memory: true }),
      'config: targets[0].luns[0].backing: conflicts with memory (choose one)',
    ],
    [
      one({ vendor: 'MUCH TOO LONG' }),
      'config: targets[0].luns[0].vendor: must be at most 8 characters',
    ],
    [one({ urswrz: 'yes' }), 'config: targets[0].luns[0].urswrz: must be a boolean, not string'],
    [
      { targets: [{ name: 'disk1', luns: [{ lun: 0 }] }] },
      'config: targets[0].name: must be an iqn., eui. or naa. name (RFC 3720 3.2.6)',
    ],
    [{ targets: [{ name: T, luns: [] }] }, 'config: targets[0].luns: must list at least one LUN'],
    [{ targets: [{ name: T }] }, 'config: targets[0].luns: is required'],
    [{ targets: [] }, 'config: targets: must list at least one target'],
    [{}, 'config: targets: is required'],
    [{ targets: [null] }, 'config: targets[0]: must be an object, not null'],
    [
      { targets: [{ name: T, luns: [{ lun: 0 }, { lun: 0 }] }] },
      'config: targets[0].luns[1].lun: duplicate LUN 0',
    ],
    [
      {
        targets: [
          { name: T, luns: [{ lun: 0 }] },
          { name: T, luns: [{ lun: 0 }] },
        ],
      },
      `config: targets[1].name: duplicate target name ${T}`,
    ],
    [
      one({}, { mutualChap: { user: 'a', secret: 'target-secret-1' } }),
      'config: targets[0].mutualChap: needs chap (the initiator authenticates first)',
    ],
    [
      one({}, { chap: { user: 'a', secret: 'secret12345' } }),
      `config: targets[0].chap.secret: ${TOO_SHORT}`,
    ],
    [
      one(
        {},
        {
          chap: { user: 'a', secret: 'same-secret-1' },
          mutualChap: { user: 't', secret: 'same-secret-1' },
        },
      ),
      `config: targets[0].mutualChap.secret: ${SAME_SECRET}`,
    ],
    [one({}, { chap: { user: 'a' } }), 'config: targets[0].chap.secret: is required'],
    [
      { listen: 'localhost:99999', ...one({}) },
      'config: listen: port 99999 is out of range (0-65535)',
    ],
    [{ queueDepth: 0, ...one({}) }, 'config: queueDepth: must be 1 to 1024'],
    [
      {
        targets: [
          {
            name: T,
            luns: [
              { lun: 0, backing: 'a.img' },
              { lun: 1, backing: '/base/a.img' },
            ],
          },
        ],
      },
      'config: targets[0].luns[1].backing: /base/a.img is already used by targets[0].luns[0]',
    ],
  ])('%j -> %s', (input, message) => {
    expect(errorOf(input)).toBe(message);
  });
});

describe('parseListen', () => {
  it.each([
    ['127.0.0.1:3260', { host: '127.0.0.1', port: 3260 }],
    ['127.0.0.1:0', { host: '127.0.0.1', port: 0 }],
    ['[::1]:3261', { host: '::1', port: 3261 }],
    ['[::1]', { host: '::1', port: 3260 }],
    ['localhost', { host: 'localhost', port: 3260 }],
  ])('%s', (text, want) => {
    expect(parseListen(text)).toEqual(want);
  });
  it('refuses an unbracketed IPv6 address', () => {
    expect(parseListen('::1:3260')).toEqual({
      error: 'not HOST:PORT: "::1:3260" (IPv6 in brackets, e.g. [::1]:3260)',
    });
  });
});

describe('loadConfigFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zbc-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('resolves backing paths against the file folder', async () => {
    const path = join(dir, 'c.json');
    await writeFile(
      path,
      JSON.stringify({ targets: [{ name: DEFAULT_IQN, luns: [{ lun: 0, backing: 'disk.img' }] }] }),
    );
    const c = loadConfigFile(path);
    expect(c.targets[0]?.luns[0]?.storage).toEqual({
      kind: 'file',
      path: join(dir, 'disk.img'),
      format: false,
    });
  });

  it('reports invalid JSON and a missing file in one line', async () => {
    const path = join(dir, 'bad.json');
    await writeFile(path, '{ "targets": [ }');
    expect(() => loadConfigFile(path)).toThrow(
      new RegExp(`^config: ${path} is not valid JSON: [^\\n]+$`),
    );
    expect(() => loadConfigFile(join(dir, 'missing.json'))).toThrow(
      `config: cannot read ${join(dir, 'missing.json')}: ENOENT`,
    );
  });
});
