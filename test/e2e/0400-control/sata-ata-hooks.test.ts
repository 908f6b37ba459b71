// The control server on a SATA host-managed LU driven with ATA PASS-THROUGH from an iSCSI
// initiator (the Node client, no sg_raw): a fault rule armed over HTTP for writes in a zone range
// fails ATA WRITE DMA EXT there with the injected sense and the ATA Status Return descriptor,
// writing nothing; a write outside moves the WP on the zone feed; a latency rule delays a ZAC
// zone reset; /metrics counts them.
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Composed } from '../../../src/compose.js';
import { ata16, ataDescriptor } from '../../helpers/ata-cdb.js';
import { cdb } from '../../helpers/cdb.js';
import { BS, startControlled, ZONE, zonedLun } from '../../helpers/control-target.js';
import { MiniInitiator, senseTriple } from '../../helpers/mini-initiator.js';
import { parseSense } from '../../helpers/sense.js';

const T = 'iqn.2026-11.dev.zbc-target:sata-hooks';
const SECTORS = 8;

const writeDma = (lba: number): Buffer =>
  ata16({ protocol: 6, tLength: 2, count: SECTORS, lba, command: 0x35 });

interface FeedTick {
  seq: number;
  changes: { target: string; lun: number; zones: [number, number, number][] }[];
}

/** The zone feed (server-sent events): resolves with the first change of `zone` it carries. */
async function zoneChange(
  base: string,
  zone: number,
  started: () => Promise<void>,
): Promise<[number, number, number]> {
  const controller = new AbortController();
  const events = await fetch(`${base}/api/events`, { signal: controller.signal });
  const reader = (events.body as ReadableStream<Uint8Array>).getReader();
  let text = '';
  let kicked = false;
  try {
    for (;;) {
      text += Buffer.from((await reader.read()).value ?? []).toString();
      const messages = text.split('\n\n');
      text = messages.pop() ?? '';
      for (const m of messages) {
        if (m.startsWith('event: hello') && !kicked) {
          kicked = true;
          await started();
        }
        if (!m.startsWith('data: {"seq"')) continue;
        const tick = JSON.parse(m.slice('data: '.length)) as FeedTick;
        const change = tick.changes
          .filter((c) => c.target === T && c.lun === 0)
          .flatMap((c) => c.zones)
          .find(([index]) => index === zone);
        if (change !== undefined) return change;
      }
    }
  } finally {
    controller.abort();
  }
}

/** Control mode page D_SENSE on (SPC-5 7.5.8): MODE SENSE(6), flip the bit, MODE SELECT(6). */
async function descriptorSense(ini: MiniInitiator): Promise<void> {
  const sensed = await ini.command(cdb([0x1a, 0x08, 0x0a, 0, 0xff, 0]), { dataInLength: 0xff });
  expect(sensed.status).toBe(0);
  const list = Buffer.from(sensed.data ?? Buffer.alloc(0));
  list[0] = 0; // MODE DATA LENGTH is reserved in MODE SELECT
  list[2] = 0;
  const page = list.subarray(4);
  page[0] = (page[0] ?? 0) & 0x3f; // PS
  page[2] = (page[2] ?? 0) | 0x04; // D_SENSE
  const select = cdb([0x15, 0x10, 0, 0, list.length, 0]);
  expect((await ini.command(select, { dataOut: list })).status).toBe(0);
}

describe('fault injection, zone feed and metrics with ATA PASS-THROUGH on a SATA LU', () => {
  let composed: Composed;
  let base: string;
  let ini: MiniInitiator;
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    const started = await startControlled(T, [zonedLun(0, { interface: 'sata' })], {
      admin: true,
    });
    composed = started.composed;
    base = started.adminBase;
    ini = await MiniInitiator.login({ host: '127.0.0.1', port: started.port, targetName: T });
    await ini.clearUnitAttention();
  });

  afterAll(async () => {
    ini?.destroy();
    await composed?.close();
  });

  it('a rule for writes in zones 3-4 fails WRITE DMA EXT there with the ATA registers', async () => {
    const rule = {
      id: 'ata-writes',
      class: 'write',
      lba: { first: 3 * ZONE, last: 5 * ZONE - 1 },
      action: { type: 'sense', preset: 'write-error' },
    };
    expect((await api('POST', '/api/faults', rule)).status).toBe(201);
    await descriptorSense(ini);
    const lba = 4 * ZONE;
    const o = await ini.command(writeDma(lba), { dataOut: Buffer.alloc(SECTORS * BS, 0x77) });
    expect(o.status).toBe(2);
    const sense = o.sense as Buffer;
    expect(senseTriple(sense)).toEqual({ key: 3, asc: 0x0c, ascq: 0 });
    expect(ataDescriptor(sense)).toEqual({
      extend: true,
      error: 0x04, // ABRT
      count: SECTORS,
      lba,
      device: 0x40,
      status: 0x53, // DRDY DSC ERR, SENSE DATA AVAILABLE
    });
    expect(parseSense(sense).information).toBe(BigInt(lba));
    console.log(`injected ATA write error: ${sense.toString('hex')}`);
    const zone = await api('GET', `/api/targets/${encodeURIComponent(T)}/luns/0/zones/4`);
    expect(zone.json).toMatchObject({ condition: 1, writePointer: lba }); // EMPTY: not written
    const fault = await api('GET', '/api/faults/ata-writes');
    expect(fault.json).toMatchObject({ matches: 1, fired: 1 });
  });

  it('a write outside the range moves the WP on the zone feed', async () => {
    let outcome = -1;
    const change = await zoneChange(base, 5, async () => {
      const data = Buffer.alloc(SECTORS * BS, 0x33);
      outcome = (await ini.command(writeDma(5 * ZONE), { dataOut: data })).status;
    });
    expect(outcome).toBe(0);
    const [, condition, fill] = change;
    expect(condition).toBe(2); // implicitly open
    expect(fill).toBe(Math.round((SECTORS / ZONE) * 255)); // the WP 8 blocks into the zone
    const zone = await api('GET', `/api/targets/${encodeURIComponent(T)}/luns/0/zones/5`);
    expect(zone.json).toMatchObject({ writePointer: 5 * ZONE + SECTORS });
  });

  it('a latency rule for zone actions delays RESET WRITE POINTER EXT, which then runs', async () => {
    const rule = { id: 'slow-zones', class: 'zone', zone: 5, action: { type: 'latency', ms: 50 } };
    expect((await api('POST', '/api/faults', rule)).status).toBe(201);
    const reset = ata16({ protocol: 3, features: 0x04, lba: 5 * ZONE, command: 0x9f });
    const started = performance.now();
    expect((await ini.command(reset)).status).toBe(0);
    expect(performance.now() - started).toBeGreaterThanOrEqual(45); // timers may round down
    const zone = await api('GET', `/api/targets/${encodeURIComponent(T)}/luns/0/zones/5`);
    expect(zone.json).toMatchObject({ condition: 1, writePointer: 5 * ZONE });
    expect((await api('GET', '/api/faults/slow-zones')).json).toMatchObject({ fired: 1 });
  });

  it('/metrics counts the ATA writes by name, as writes, and the fault', async () => {
    const families = parsePrometheusTextFormat(await (await fetch(`${base}/metrics`)).text());
    const value = (name: string, labels: Record<string, string>) =>
      families
        .find((f) => f.name === name)
        ?.metrics.filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))
        .reduce((sum, m) => sum + Number(m.value ?? m.count ?? 0), 0);
    const ata = { command: 'WRITE DMA EXT' };
    expect(value('zbc_ata_commands_total', { ...ata, status: 'check_condition' })).toBe(1);
    expect(value('zbc_ata_commands_total', { ...ata, status: 'good' })).toBe(1);
    expect(value('zbc_check_conditions_total', { sense_key: '0x03' })).toBe(1);
    expect(value('zbc_faults_fired_total', { fault: 'ata-writes', action: 'sense' })).toBe(1);
    // The good ATA write and the 16-byte MODE SELECT list; the failed write wrote nothing.
    expect(value('zbc_written_bytes_total', {})).toBe(SECTORS * BS + 16);
  });
});
