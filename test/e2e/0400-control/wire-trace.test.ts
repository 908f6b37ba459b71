// The wire trace decoded by Debian's tshark: a scripted session (login, TEST UNIT READY, WRITEs,
// READs, a zone reset, logout) must come out of `tshark -r FILE -Y iscsi` with the expected PDU
// counts, headers only by default and with data segments under --trace-data.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BS, startControlled, ZONE, zonedLun } from '../../helpers/control-target.js';
import { MiniInitiator } from '../../helpers/mini-initiator.js';

const T = 'iqn.2026-11.dev.zbc-target:trace';
const READS = 3;
const WRITES = 2;

/** The iSCSI opcodes of every PDU tshark decodes, in order. */
function tsharkOpcodes(file: string): number[] {
  const out = execFileSync(
    'tshark',
    ['-r', file, '-Y', 'iscsi', '-T', 'fields', '-E', 'occurrence=a', '-e', 'iscsi.opcode'],
    {
      encoding: 'utf8',
    },
  );
  return out
    .split(/[\n,]/)
    .filter((v) => v.trim() !== '')
    .map((v) => Number(v));
}

function count(opcodes: readonly number[], opcode: number): number {
  return opcodes.filter((o) => o === opcode).length;
}

async function tracedSession(file: string, data: boolean, maxBytes?: number): Promise<void> {
  const trace = { file, data, ...(maxBytes ? { maxBytes } : {}) };
  const { composed, port } = await startControlled(T, [zonedLun(0, { conventionalZones: 1 })], {
    trace,
  });
  try {
    const ini = await MiniInitiator.login({ host: '127.0.0.1', port, targetName: T });
    await ini.clearUnitAttention(); // 2 TEST UNIT READY
    for (let i = 0; i < WRITES; i++)
      expect((await ini.write16(ZONE + i * 16, Buffer.alloc(16 * BS, i + 1), BS)).status).toBe(0);
    for (let i = 0; i < READS; i++) expect((await ini.read16(ZONE, 16, BS)).status).toBe(0);
    expect((await ini.resetWritePointer(ZONE)).status).toBe(0);
    await ini.close();
  } finally {
    await composed.close();
  }
}

describe('wire trace (tshark)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zbc-trace-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('headers only: login, commands, responses and logout decode with the expected counts', async () => {
    const file = join(dir, 'headers.pcap');
    await tracedSession(file, false);
    const ops = tsharkOpcodes(file);
    const commands = 2 + WRITES + READS + 1;
    console.log(
      `tshark decoded ${ops.length} iSCSI PDUs (headers only): ${JSON.stringify(
        Object.fromEntries([...new Set(ops)].map((o) => [`0x${o.toString(16)}`, count(ops, o)])),
      )}`,
    );
    expect(count(ops, 0x03)).toBeGreaterThanOrEqual(1); // Login Request
    expect(count(ops, 0x23)).toBe(count(ops, 0x03)); // one Login Response each
    expect(count(ops, 0x01)).toBe(commands); // SCSI Command
    // SCSI Response: every command except reads, whose status rides on the last Data-In.
    expect(count(ops, 0x21)).toBe(commands - READS);
    expect(count(ops, 0x25)).toBeGreaterThanOrEqual(READS); // SCSI Data-In
    expect(count(ops, 0x06)).toBe(1); // Logout Request
    expect(count(ops, 0x26)).toBe(1); // Logout Response
  });

  it('--trace-data keeps the data: tshark sees the written and read bytes', async () => {
    const file = join(dir, 'data.pcap');
    await tracedSession(file, true);
    const ops = tsharkOpcodes(file);
    expect(count(ops, 0x01)).toBe(2 + WRITES + READS + 1);
    const lengths = execFileSync(
      'tshark',
      [
        '-r',
        file,
        '-Y',
        'iscsi.opcode == 0x25',
        '-T',
        'fields',
        '-E',
        'occurrence=a',
        '-e',
        'iscsi.datasegmentlength',
      ],
      {
        encoding: 'utf8',
      },
    )
      .split(/[\n,]/)
      .filter((v) => v.trim() !== '')
      .reduce((sum, v) => sum + Number(v), 0);
    expect(lengths).toBe(READS * 16 * BS);
    const headersOnly = await stat(join(dir, 'headers.pcap'));
    expect((await stat(file)).size).toBeGreaterThan(headersOnly.size + (READS + WRITES) * 16 * BS);
  });

  it('rotates at the size cap and each file still decodes', async () => {
    const file = join(dir, 'rotating.pcap');
    await tracedSession(file, true, 64 * 1024);
    const first = tsharkOpcodes(`${file}.1`);
    const last = tsharkOpcodes(file);
    expect(first.length).toBeGreaterThan(0);
    expect(last).toContain(0x26); // the logout response is in the newest file
  });
});
