// The real process around the crash test: flag errors exit 2 with one line, a clean SIGINT exits
// 0, a restart with another geometry is refused naming the flag, and --format accepts it.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, repoRoot, startTargetProcess } from '../../helpers/target-process.js';

const main = join(repoRoot, 'dist', 'src', 'main.js');
const GEOMETRY = ['--capacity', '64MiB', '--zone-size', '1MiB', '--conventional-zones', '2'];

describe('target process lifecycle', () => {
  let dir: string;
  beforeAll(async () => {
    ensureBuilt();
    dir = await mkdtemp(join(tmpdir(), 'zbc-life-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a bad flag is one line naming it, exit code 2', () => {
    const r = spawnSync(process.execPath, [main, '--zone-size', '3MiB'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('zbc-target: --zone-size: must be a power of two\n');
  });

  it('--list-profiles exits 0 and lists the default profile', () => {
    const r = spawnSync(process.execPath, [main, '--list-profiles'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^default\s+host-managed/m);
  });

  it('default start prints the default IQN and the attach lines; SIGINT exits 0', async () => {
    const t = await startTargetProcess([]);
    expect(t.iqns).toEqual(['iqn.2026-11.dev.zbc-target:default']);
    expect(t.host).toBe('127.0.0.1');
    expect(t.port).toBeGreaterThan(0);
    const out = t.output().stdout;
    expect(out).toContain(`iscsiadm -m discovery -t st -p 127.0.0.1:${t.port}`);
    expect(out).toContain(
      `iscsi-inq iscsi://127.0.0.1:${t.port}/iqn.2026-11.dev.zbc-target:default/0`,
    );
    expect(await t.stop()).toBe(0);
  });

  it('refuses to start on metadata of another geometry; --format re-creates it', async () => {
    const backing = join(dir, 'g.img');
    const first = await startTargetProcess(['--backing', backing, ...GEOMETRY]);
    expect(await first.stop()).toBe(0);
    const r = spawnSync(
      process.execPath,
      [
        main,
        '--backing',
        backing,
        ...GEOMETRY.slice(0, 2),
        '--zone-size',
        '2MiB',
        '--conventional-zones',
        '2',
        '--listen',
        '127.0.0.1:0',
      ],
      {
        encoding: 'utf8',
        timeout: 20_000,
      },
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `zbc-target: metadata ${backing}.zbcmeta: zone size 2048 blocks (1 MiB) does not match --zone-size 4096 blocks (2 MiB) (use --format to re-create)\n`,
    );
    const again = await startTargetProcess([
      '--backing',
      backing,
      ...GEOMETRY.slice(0, 2),
      '--zone-size',
      '2MiB',
      '--conventional-zones',
      '2',
      '--format',
    ]);
    expect(await again.stop()).toBe(0);
  });

  it('a second target on the same backing file is refused while the first runs', async () => {
    const backing = join(dir, 'shared.img');
    const first = await startTargetProcess(['--backing', backing, ...GEOMETRY]);
    try {
      const r = spawnSync(
        process.execPath,
        [main, '--backing', backing, ...GEOMETRY, '--listen', '127.0.0.1:0'],
        { encoding: 'utf8', timeout: 20_000 },
      );
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(
        `zbc-target: backing file ${backing} is in use by process ${first.child.pid} (lock ${backing}.zbclock)\n`,
      );
    } finally {
      expect(await first.stop()).toBe(0);
    }
  });

  it('a second target on the same port fails with one line', async () => {
    const t = await startTargetProcess([]);
    try {
      const r = spawnSync(process.execPath, [main, '--listen', `127.0.0.1:${t.port}`], {
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(`zbc-target: cannot listen on 127.0.0.1:${t.port}: EADDRINUSE\n`);
    } finally {
      await t.stop();
    }
  });
});
