// Real-peer interoperability with libiscsi 1.19's tools (Debian 12 libiscsi-bin): iscsi-ls,
// iscsi-inq, iscsi-readcapacity16, iscsi-swp, plus raw CDBs through scsi-probe (same library).
// Every check that is not zoned runs against tgt too, so a wrong expectation shows up as a tgt
// failure rather than as a bug in our target.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cdb, ensureProbe, probe, runTool, senseTriple } from './libiscsi.js';
import {
  ALLOWED_INITIATOR,
  BLOCK,
  CHAP,
  DISK_BYTES,
  HM,
  OTHER_INITIATOR,
  type Subject,
  startOursSubject,
  startTgtSubject,
} from './subjects.js';

const GOOD = 0;
const CHECK_CONDITION = 2;
/** Login status codes as libiscsi prints them: `Status: <text>(<decimal code>)` (RFC 7143 11.13.5). */
const LOGIN_AUTH_FAILURE = '(513)'; // 0x0201
const LOGIN_AUTHORIZATION_FAILURE = '(514)'; // 0x0202
const LOGIN_NOT_FOUND = '(515)'; // 0x0203

/** iscsi-ls 1.19 prints `block size * last LBA` (sic) reduced by 1024 while above 1024. */
function iscsiLsSize(capacityBytes: number, blockSize: number): string {
  let size = blockSize * (capacityBytes / blockSize - 1);
  let i = 0;
  while (i < 4 && size > 1024) {
    size = Math.floor(size / 1024);
    i++;
  }
  return `${size}${' KMGT'[i]}`;
}

const SUBJECTS = [
  ['tgt', startTgtSubject],
  ['ours', startOursSubject],
] as const;

describe.each(SUBJECTS)('libiscsi tools against %s', (label, start) => {
  let s: Subject;
  beforeAll(async () => {
    ensureProbe();
    s = await start();
  });
  afterAll(async () => {
    await s?.stop();
  });

  it('iscsi-ls: SendTargets lists the target at its portal, REPORT LUNS lists the disk', async () => {
    const r = await runTool('iscsi-ls', ['-s', `iscsi://${s.open.host}:${s.open.port}`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Target:${s.open.iqn} Portal:${s.open.host}:${s.open.port},1\n`);
    expect(r.stdout).toMatch(
      new RegExp(
        `^Lun:${s.diskLun} +Type:DIRECT_ACCESS \\(Size:${iscsiLsSize(DISK_BYTES, BLOCK)}\\)$`,
        'm',
      ),
    );
  });

  it('iscsi-inq: standard INQUIRY of the disk', async () => {
    const r = await runTool('iscsi-inq', [s.open.url(s.diskLun)]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Peripheral Qualifier:CONNECTED\n');
    expect(r.stdout).toContain('Peripheral Device Type:DIRECT_ACCESS\n');
    expect(r.stdout).toMatch(/^Vendor:.{8}$/m);
    expect(r.stdout).toMatch(/^Product:.{16}$/m);
  });

  it('iscsi-inq: VPD 00h lists 00h, 80h, 83h, B0h, B1h and, on a plain disk, no B6h', async () => {
    const r = await runTool('iscsi-inq', ['-e', '1', '-c', '0', s.open.url(s.diskLun)]);
    expect(r.code, r.stderr).toBe(0);
    const pages = [...r.stdout.matchAll(/^Page:0x([0-9a-f]{2}) /gm)].map((m) => m[1]);
    for (const p of ['00', '80', '83', 'b0', 'b1']) expect(pages).toContain(p);
    expect(pages).not.toContain('b6');
    expect([...pages].sort()).toEqual(pages); // ascending (SPC-4 7.8.16)
  });

  it('iscsi-inq: VPD 80h, 83h, B0h and B1h decode', async () => {
    const url = s.open.url(s.diskLun);
    const serial = await runTool('iscsi-inq', ['-e', '1', '-c', String(0x80), url]);
    expect(serial.code, serial.stderr).toBe(0);
    expect(serial.stdout).toMatch(/^Unit Serial Number:\[ *\S+\]$/m);
    const ids = await runTool('iscsi-inq', ['-e', '1', '-c', String(0x83), url]);
    expect(ids.code, ids.stderr).toBe(0);
    expect(ids.stdout).toContain('Page Code:(0x83) DEVICE_IDENTIFICATION');
    expect(ids.stdout).toMatch(/Association:\(0\) LOGICAL_UNIT\nDesignator Type:\(3\) NAA/);
    const limits = await runTool('iscsi-inq', ['-e', '1', '-c', String(0xb0), url]);
    expect(limits.code, limits.stderr).toBe(0);
    expect(limits.stdout).toMatch(/^maximum transfer length:\d+$/m);
    const chars = await runTool('iscsi-inq', ['-e', '1', '-c', String(0xb1), url]);
    expect(chars.code, chars.stderr).toBe(0);
    expect(chars.stdout).toMatch(/^Medium Rotation Rate:\d+RPM$/m);
  });

  it('iscsi-readcapacity16: capacity and block size as configured', async () => {
    const r = await runTool('iscsi-readcapacity16', [s.open.url(s.diskLun)]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`RETURNED LOGICAL BLOCK ADDRESS:${DISK_BYTES / BLOCK - 1}\n`);
    expect(r.stdout).toContain(`LOGICAL BLOCK LENGTH IN BYTES:${BLOCK}\n`);
    expect(r.stdout).toContain(`Total size:${DISK_BYTES}\n`);
  });

  it('iscsi-swp: MODE SELECT sets SWP, writes then fail 7/27/00, reads work, clearing restores writes', async () => {
    const url = s.open.url(s.diskLun);
    try {
      const before = await runTool('iscsi-swp', [url]);
      expect(before.code, before.stderr + before.stdout).toBe(0);
      expect(before.stdout).toContain('SWP:0\n');

      const on = await runTool('iscsi-swp', ['-s', 'on', url]);
      expect(on.code, on.stderr + on.stdout).toBe(0);
      expect(on.stdout).toContain('Turning SWP ON');
      const shown = await runTool('iscsi-swp', [url]);
      expect(shown.stdout).toContain('SWP:1\n');

      const locked = await probe(url, [
        { cdb: cdb.write10(8, 1), dataOut: BLOCK },
        { cdb: cdb.read10(8, 1), dataIn: BLOCK },
      ]);
      expect(locked.login, locked.loginError).toBe('ok');
      const [write, read] = locked.replies;
      // SPC-4 7.5.8 (Control mode page, SWP): writes end in DATA PROTECT, WRITE PROTECTED.
      expect(write?.status).toBe(CHECK_CONDITION);
      expect(write && senseTriple(write)).toBe('7/27/00');
      expect(read?.status).toBe(GOOD);
    } finally {
      const off = await runTool('iscsi-swp', ['-s', 'off', url]);
      expect(off.code, off.stderr + off.stdout).toBe(0);
    }
    const unlocked = await probe(url, [{ cdb: cdb.write10(8, 1), dataOut: BLOCK }]);
    expect(unlocked.replies[0]?.status).toBe(GOOD);
    expect((await runTool('iscsi-swp', [url])).stdout).toContain('SWP:0\n');
  });

  it('CHAP: the right secret logs in', async () => {
    const r = await runTool('iscsi-inq', [s.chap.url(s.diskLun, CHAP)]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Peripheral Device Type:DIRECT_ACCESS\n');
  });

  it('CHAP: a wrong secret and a missing one fail with authentication failure', async () => {
    const wrong = await runTool('iscsi-inq', [
      s.chap.url(s.diskLun, { user: CHAP.user, secret: 'not-the-secret-42' }),
    ]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('Login Failed');
    const wrongProbe = await probe(
      s.chap.url(s.diskLun, { user: CHAP.user, secret: 'not-the-secret-42' }),
      [],
    );
    expect(wrongProbe.login).toBe('failed');
    expect(wrongProbe.loginError).toContain(LOGIN_AUTH_FAILURE);
    const none = await probe(s.chap.url(s.diskLun), []);
    expect(none.login).toBe('failed');
    expect(none.loginError).toContain(LOGIN_AUTH_FAILURE);
  });

  // RFC 7143 11.13.5 names 0202h for an initiator not allowed on a target (ours); tgt hides the
  // target behind 0203h "not found".
  it('ACL: the listed initiator logs in, another is refused and does not see the target', async () => {
    const ok = await runTool('iscsi-inq', ['-i', ALLOWED_INITIATOR, s.acl.url(s.diskLun)]);
    expect(ok.code, ok.stderr).toBe(0);
    const denied = await probe(s.acl.url(s.diskLun), [], OTHER_INITIATOR);
    expect(denied.login).toBe('failed');
    expect(denied.loginError).toContain(
      label === 'ours' ? LOGIN_AUTHORIZATION_FAILURE : LOGIN_NOT_FOUND,
    );
    const listed = await runTool('iscsi-ls', [
      '-i',
      ALLOWED_INITIATOR,
      `iscsi://${s.acl.host}:${s.acl.port}`,
    ]);
    expect(listed.stdout).toContain(`Target:${s.acl.iqn} `);
    const hidden = await runTool('iscsi-ls', [
      '-i',
      OTHER_INITIATOR,
      `iscsi://${s.acl.host}:${s.acl.port}`,
    ]);
    expect(hidden.stdout).not.toContain(s.acl.iqn);
  });

  if (label === 'ours') {
    describe('host-managed LUN (ours only: tgt has no zones)', () => {
      const lastLba = HM.capacityBytes / BLOCK - 1;
      const zoneBlocks = HM.zoneBytes / BLOCK;

      it('standard INQUIRY: PDT 14h; iscsi-ls lists the LUN', async () => {
        const r = await probe(s.open.url(HM.lun), [{ cdb: cdb.inquiry(false, 0), dataIn: 255 }]);
        expect(r.login, r.loginError).toBe('ok');
        expect(r.replies[0]?.status).toBe(GOOD);
        expect((r.replies[0]?.data[0] ?? 0xff) & 0x1f).toBe(0x14);
        expect((r.replies[0]?.data[0] ?? 0xff) >> 5).toBe(0); // qualifier: connected
        const ls = await runTool('iscsi-ls', ['-s', `iscsi://${s.open.host}:${s.open.port}`]);
        expect(ls.stdout).toMatch(new RegExp(`^Lun:${HM.lun} +Type:`, 'm'));
      });

      it('VPD 00h lists B6h; B6h and B1h carry the host-managed fields (ZBC-2 6.5.2, SBC-4 6.6.2)', async () => {
        const inq = await runTool('iscsi-inq', ['-e', '1', '-c', '0', s.open.url(HM.lun)]);
        expect(inq.code, inq.stderr).toBe(0);
        expect(inq.stdout).toMatch(/^Page:0xb6 /m);
        const r = await probe(s.open.url(HM.lun), [
          { cdb: cdb.inquiry(true, 0xb6), dataIn: 64 },
          { cdb: cdb.inquiry(true, 0xb1), dataIn: 64 },
        ]);
        const [b6, b1] = r.replies;
        expect(b6?.status).toBe(GOOD);
        expect(b6?.data.subarray(0, 4)).toEqual(Buffer.from([0x14, 0xb6, 0x00, 0x3c]));
        expect((b6?.data[4] ?? 0) >> 4).toBe(0); // extension: host-managed
        expect((b6?.data[4] ?? 0) & 1).toBe(1); // URSWRZ (default)
        expect(b6?.data.readUInt32BE(8)).toBe(0xffffffff); // SWP hints: not reported on HM
        expect(b6?.data.readUInt32BE(12)).toBe(0xffffffff);
        expect(b6?.data.readUInt32BE(16)).toBe(HM.maxOpen);
        expect(b1?.status).toBe(GOOD);
        expect(b1?.data.subarray(0, 4)).toEqual(Buffer.from([0x14, 0xb1, 0x00, 0x3c]));
        expect(((b1?.data[8] ?? 0xff) >> 4) & 3).toBe(0); // ZONED 00b for PDT 14h
      });

      it('READ CAPACITY(16): last LBA, block size and RC BASIS 01b (ZBC-2 5.2.2)', async () => {
        const tool = await runTool('iscsi-readcapacity16', [s.open.url(HM.lun)]);
        expect(tool.code, tool.stderr).toBe(0);
        expect(tool.stdout).toContain(`RETURNED LOGICAL BLOCK ADDRESS:${lastLba}\n`);
        expect(tool.stdout).toContain(`LOGICAL BLOCK LENGTH IN BYTES:${BLOCK}\n`);
        const r = await probe(s.open.url(HM.lun), [{ cdb: cdb.readCapacity16(), dataIn: 32 }]);
        const rc = r.replies[0];
        expect(rc?.status).toBe(GOOD);
        expect(rc?.data.readUInt32BE(4)).toBe(lastLba);
        expect(((rc?.data[12] ?? 0) >> 4) & 3).toBe(1);
      });

      it('writes: conventional LBA 0 works; off the write pointer 5/21/04; at the write pointer works', async () => {
        const seqStart = HM.conventionalZones * zoneBlocks;
        const r = await probe(s.open.url(HM.lun), [
          { cdb: cdb.write10(0, 1), dataOut: BLOCK },
          { cdb: cdb.write10(seqStart + 8, 8), dataOut: 8 * BLOCK },
          { cdb: cdb.write10(seqStart, 8), dataOut: 8 * BLOCK },
          { cdb: cdb.read10(seqStart, 8), dataIn: 8 * BLOCK },
        ]);
        expect(r.login, r.loginError).toBe('ok');
        const [conv, offWp, atWp, read] = r.replies;
        expect(conv?.status).toBe(GOOD);
        expect(offWp?.status).toBe(CHECK_CONDITION);
        expect(offWp && senseTriple(offWp)).toBe('5/21/04'); // UNALIGNED WRITE COMMAND
        expect(atWp?.status).toBe(GOOD);
        expect(read?.status).toBe(GOOD);
        expect(read?.data).toEqual(Buffer.alloc(8 * BLOCK, 0xa5));
      });

      it('plain disk LUN 0 has no B6h: INQUIRY EVPD B6h is 5/24/00', async () => {
        const r = await probe(s.open.url(s.diskLun), [
          { cdb: cdb.inquiry(true, 0xb6), dataIn: 64 },
        ]);
        expect(r.replies[0]?.status).toBe(CHECK_CONDITION);
        expect(r.replies[0] && senseTriple(r.replies[0])).toBe('5/24/00');
      });
    });
  }
});
