import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CliResult, parseCli } from '../../../src/cli.js';
import { DEFAULT_IQN } from '../../../src/config.js';

function run(args: string[]) {
  const r = parseCli(args, '/cwd');
  if (r.kind !== 'run') throw new Error(`expected run, got exit ${r.code}: ${r.stderr}`);
  return r.config;
}
function exit(args: string[]): Extract<CliResult, { kind: 'exit' }> {
  const r = parseCli(args, '/cwd');
  if (r.kind !== 'exit') throw new Error('expected exit');
  return r;
}

const TOO_SHORT =
  'must be at least 12 bytes (96 bits; RFC 7143 12.1.3 allows less only under IPsec)';
const SAME_SECRET = "must differ from the initiator's CHAP secret (RFC 7143 12.1.3)";
const CHAP_FLAGS = ['--chap-user', 'u', '--chap-secret', 'secretsecret', '--mutual-chap-user', 't'];

describe('parseCli', () => {
  it('no flags: profile default, in memory, 127.0.0.1:3260, the default IQN at LUN 0', () => {
    const c = run([]);
    expect(c.listen).toEqual({ host: '127.0.0.1', port: 3260 });
    expect(c.targets.map((t) => t.name)).toEqual([DEFAULT_IQN]);
    const lun = c.targets[0]?.luns[0];
    expect(lun?.lun).toBe(0);
    expect(lun?.storage).toEqual({ kind: 'memory' });
    expect(lun?.profile).toBe('default');
    expect(lun?.layout.model).toBe('host-managed');
  });

  it('maps every zone and identity flag', () => {
    const c = run([
      '--listen',
      '[::1]:0',
      '--iqn',
      'iqn.2026-11.test:x',
      '--backing',
      'disk.img',
      '--capacity',
      '512MiB',
      '--block-size',
      '4096',
      '--physical-block-size',
      '4096',
      '--model',
      'host-aware',
      '--zone-size',
      '8MiB',
      '--interface',
      'sata',
      '--zone-capacity',
      '6MiB',
      '--conventional-zones',
      '3',
      '--max-open',
      'unlimited',
      '--no-urswrz',
      '--read-only-zones',
      '5,7',
      '--offline-zones',
      '9',
      '--format',
      '--serial',
      'SN1',
      '--vendor',
      'ACME',
      '--chap-user',
      'u',
      '--chap-secret',
      'secretsecret',
      '--mutual-chap-user',
      't',
      '--mutual-chap-secret',
      'othersecret1',
      '--initiator',
      'iqn.a:1',
      '--initiator',
      'iqn.b:2',
      '--queue-depth',
      '32',
      '--alias',
      'shelf',
    ]);
    expect(c.listen).toEqual({ host: '::1', port: 0 });
    expect(c.queueDepth).toBe(32);
    const t = c.targets[0];
    expect(t).toMatchObject({
      name: 'iqn.2026-11.test:x',
      alias: 'shelf',
      chap: { user: 'u', secret: 'secretsecret' },
      mutualChap: { user: 't', secret: 'othersecret1' },
      initiators: ['iqn.a:1', 'iqn.b:2'],
    });
    expect(t?.luns[0]).toMatchObject({
      storage: { kind: 'file', path: '/cwd/disk.img', format: true },
      serial: 'SN1',
      vendor: 'ACME',
      interface: 'sata',
      layout: {
        model: 'host-aware',
        blockSize: 4096,
        physicalBlockSize: 4096,
        capacityBlocks: 131072,
        zoneSizeBlocks: 2048,
        zoneCapacityBlocks: 1536,
        conventionalZones: 3,
        maxOpen: null,
        urswrz: false,
        readOnlyZones: [5, 7],
        offlineZones: [9],
      },
    });
  });

  it.each([
    [['--zone-size', '3MiB'], 'zbc-target: --zone-size: must be a power of two'],
    [
      ['--zone-size', 'huge'],
      'zbc-target: --zone-size: not a size: "huge" (examples: 4MiB, 256M, 20TB, 4096)',
    ],
    [
      ['--zone-capacity', '8MiB'],
      'zbc-target: --zone-capacity: 8 MiB is larger than the zone size (4 MiB)',
    ],
    [
      ['--capacity', '1000'],
      'zbc-target: --capacity: 1000 bytes is not a multiple of the block size (512 bytes)',
    ],
    [['--block-size', '1000'], 'zbc-target: --block-size: must be 512, 1024, 2048 or 4096'],
    [['--block-size', 'x'], 'zbc-target: --block-size: not an integer: "x"'],
    [
      ['--model', 'dm'],
      'zbc-target: --model: must be host-managed, host-aware, none or zone-domains, not "dm"',
    ],
    [['--interface', 'scsi'], 'zbc-target: --interface: must be sas or sata, not "scsi"'],
    [['--max-open', '0'], 'zbc-target: --max-open: must be 1 to 4294967294'],
    [['--conventional-zones', '-1'], 'zbc-target: --conventional-zones: not an integer: "-1"'],
    [
      ['--conventional-zones', '256'],
      'zbc-target: --conventional-zones: leaves no sequential zone (at least one is required)',
    ],
    [['--read-only-zones', '2'], 'zbc-target: --read-only-zones: zone 2 is not a sequential zone'],
    [['--offline-zones', '9,x'], 'zbc-target: --offline-zones: not an integer: "x"'],
    [
      ['--profile', 'nope'],
      'zbc-target: --profile: unknown profile "nope" (known: default, hm-20tb, hm-gap-small, ha-small, zd-hybrid, zd-sobr, none-small)',
    ],
    [['--iqn', 'disk'], 'zbc-target: --iqn: must be an iqn., eui. or naa. name (RFC 3720 3.2.6)'],
    [
      ['--listen', '::1:3260'],
      'zbc-target: --listen: not HOST:PORT: "::1:3260" (IPv6 in brackets, e.g. [::1]:3260)',
    ],
    [['--listen', '127.0.0.1:70000'], 'zbc-target: --listen: port 70000 is out of range (0-65535)'],
    [['--queue-depth', '0'], 'zbc-target: --queue-depth: must be 1 to 1024'],
    [['--chap-user', 'u'], 'zbc-target: --chap-secret: is required with --chap-user'],
    [
      ['--mutual-chap-secret', 's'],
      'zbc-target: --mutual-chap-user: is required with --mutual-chap-secret',
    ],
    [['--chap-user', 'u', '--chap-secret', 'secre'], `zbc-target: --chap-secret: ${TOO_SHORT}`],
    [
      [...CHAP_FLAGS, '--mutual-chap-secret', 'short'],
      `zbc-target: --mutual-chap-secret: ${TOO_SHORT}`,
    ],
    [
      [...CHAP_FLAGS, '--mutual-chap-secret', 'secretsecret'],
      `zbc-target: --mutual-chap-secret: ${SAME_SECRET}`,
    ],
    [['--backing', 'a', '--memory'], 'zbc-target: --backing: conflicts with memory (choose one)'],
    [
      ['--config', 'c.json', '--zone-size', '8MiB'],
      'zbc-target: --zone-size: cannot be combined with --config (set it in the config file)',
    ],
    [['--bogus'], "zbc-target: unknown option '--bogus'"],
    [['--zone-size'], "zbc-target: option '--zone-size <size>' argument missing"],
    [['extra'], 'zbc-target: too many arguments. Expected 0 arguments but got 1.'],
  ])('%j -> exit 2: %s', (args, line) => {
    const r = exit(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${line}\n`);
    expect(r.stdout).toBe('');
  });

  it('--help prints usage and exits 0', () => {
    const r = exit(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: zbc-target [options]');
    for (const flag of [
      '--listen',
      '--backing',
      '--memory',
      '--zone-size',
      '--max-open',
      '--no-urswrz',
      '--list-profiles',
      '--format',
      '--initiator',
    ]) {
      expect(r.stdout).toContain(flag);
    }
  });

  it('--list-profiles lists every profile with its model', () => {
    const r = exit(['--list-profiles']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^default\s+host-managed\s+512\/4096\s+1 GiB /m);
    expect(r.stdout).toMatch(/^hm-20tb\s+host-managed\s+512\/4096\s+20 TB /m);
    expect(r.stdout).toMatch(/^none-small\s+none /m);
  });

  it('--config reads the file; --listen and --queue-depth still override it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zbc-cli-'));
    try {
      const path = join(dir, 'c.json');
      await writeFile(
        path,
        JSON.stringify({
          listen: '127.0.0.2:3300',
          targets: [{ name: 'iqn.2026-11.t:a', luns: [{ lun: 3, zoneSize: '3MiB' }] }],
        }),
      );
      expect(exit(['--config', path]).stderr).toBe(
        'zbc-target: config: targets[0].luns[0].zoneSize: must be a power of two\n',
      );
      await writeFile(
        path,
        JSON.stringify({
          listen: '127.0.0.2:3300',
          targets: [{ name: 'iqn.2026-11.t:a', luns: [{ lun: 3 }] }],
        }),
      );
      expect(run(['--config', path]).listen).toEqual({ host: '127.0.0.2', port: 3300 });
      const c = run(['--config', path, '--listen', '127.0.0.1:0', '--queue-depth', '8']);
      expect(c.listen).toEqual({ host: '127.0.0.1', port: 0 });
      expect(c.queueDepth).toBe(8);
      expect(c.targets[0]?.luns[0]?.lun).toBe(3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
