// A burst of PDUs that fills the size cap several times before the newest trace file has even
// been created must not throw into the connection that is being traced (it used to: the rename
// of a file not yet created threw ENOENT out of pdu(), and the session ended).
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WireTrace } from '../../../../src/admin/wire-trace.js';

const conn = {
  id: 1,
  local: { host: '127.0.0.1', port: 3260 },
  remote: { host: '127.0.0.1', port: 40000 },
};

describe('wire trace rotation', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('a synchronous burst past the cap neither throws nor loses the newest file', async () => {
    dir = await mkdtemp(join(tmpdir(), 'zbc-rotate-'));
    const file = join(dir, 't.pcap');
    const trace = new WireTrace();
    await trace.start({ file, data: true, maxBytes: 4096 });
    const bhs = Buffer.alloc(48);
    bhs[0] = 0x25; // SCSI Data-In
    const data = [Buffer.alloc(8192, 1)];
    expect(() => {
      for (let i = 0; i < 20; i++) trace.pdu(conn, 'out', bhs, undefined, data);
    }).not.toThrow();
    await trace.stop();
    expect(existsSync(file)).toBe(true);
    expect(existsSync(`${file}.1`)).toBe(true);
  });
});
