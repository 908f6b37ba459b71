import { describe, expect, it } from 'vitest';
import { describeLun, portal, startupLines } from '../../../src/attach-help.js';
import { resolveConfig } from '../../../src/config.js';

const IQN = 'iqn.2026-11.dev.zbc-target:default';
const config = (lun: Record<string, unknown>) =>
  resolveConfig({ targets: [{ name: IQN, luns: [{ lun: 0, ...lun }] }] }, { baseDir: '/b' });

describe('startupLines', () => {
  it('prints the target lines, then the portal line, then attach commands for every initiator', () => {
    const lines = startupLines(config({}), '127.0.0.1', 3260);
    expect(lines[0]).toBe(`zbc-target: target ${IQN}`);
    const listen = lines.indexOf('zbc-target: listening on 127.0.0.1:3260');
    expect(listen).toBeGreaterThan(0);
    const text = lines.join('\n');
    expect(text).toContain(`iscsiadm -m discovery -t st -p 127.0.0.1:3260`);
    expect(text).toContain(`iscsiadm -m node -T ${IQN} -p 127.0.0.1:3260 --login`);
    expect(text).toContain(`iscsi-inq iscsi://127.0.0.1:3260/${IQN}/0`);
    expect(text).toContain('iscsi-ls iscsi://127.0.0.1:3260');
    expect(text).toContain(`-drive file=iscsi://127.0.0.1:3260/${IQN}/0,if=none,id=d0,`);
    expect(text).toContain('-device scsi-generic,drive=d0'); // host-managed: PDT 14h
  });

  it('offers scsi-block for a host-aware LUN and brackets IPv6 portals', () => {
    const text = startupLines(config({ profile: 'ha-small' }), '::1', 3261).join('\n');
    expect(text).toContain('zbc-target: listening on [::1]:3261');
    expect(text).toContain(`iscsi://[::1]:3261/${IQN}/0`);
    expect(text).toContain('-device scsi-block,drive=d0');
  });

  it('portal() brackets only IPv6', () => {
    expect(portal('10.0.0.1', 1)).toBe('10.0.0.1:1');
    expect(portal('fe80::1', 2)).toBe('[fe80::1]:2');
  });
});

describe('describeLun', () => {
  it('names the segment files of a backing above 8 TiB', () => {
    const c = resolveConfig(
      { targets: [{ name: IQN, luns: [{ lun: 0, profile: 'hm-20tb', backing: 'big.img' }] }] },
      { baseDir: '/b' },
    );
    const lun = c.targets[0]?.luns[0];
    if (!lun) throw new Error('no lun');
    expect(describeLun(lun)).toBe(
      'LUN 0: host-managed, 20 TB, 512/4096-byte blocks, zones of 256 MiB, 745 conventional, max open 128, file /b/big.img (+2 segment files /b/big.img.seg1...)',
    );
  });
});
