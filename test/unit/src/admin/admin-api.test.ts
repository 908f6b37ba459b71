// The control server end to end in one process: compose() with --admin on 127.0.0.1:0, every
// JSON route (and its refusals) over real HTTP, the effects seen by the mini initiator.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCtl } from '../../../../src/admin/ctl.js';
import { buildAdminApp } from '../../../../src/admin/http-server.js';
import { parseCli } from '../../../../src/cli.js';
import type { Composed } from '../../../../src/compose.js';
import { BS, startControlled, ZONE, zonedLun } from '../../../helpers/control-target.js';
import { MiniInitiator, senseTriple } from '../../../helpers/mini-initiator.js';

const T = 'iqn.2026-11.dev.zbc-target:admin';
// 1 MiB zones of 4 KiB blocks (BS, ZONE); zone 0 and 1 conventional.
const zoneStart = (i: number) => i * ZONE;

describe('control server API', () => {
  let dir: string;
  let composed: Composed;
  let base: string;
  let ini: MiniInitiator;
  const lunPath = `/api/targets/${encodeURIComponent(T)}/luns/0`;

  const api = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const res = await fetch(base + path, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: res.status, json, text };
  };

  const loginAs = (initiatorName: string) =>
    MiniInitiator.login({
      host: '127.0.0.1',
      port: composed.server.address().port,
      targetName: T,
      initiatorName,
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zbc-admin-'));
    const luns = [
      zonedLun(0, { backing: 'z.img', maxOpen: 4 }),
      { lun: 1, model: 'none' as const, capacity: '4MiB', blockSize: BS, memory: true },
    ];
    ({ composed, adminBase: base } = await startControlled(T, luns, { admin: true, baseDir: dir }));
    ini = await loginAs('iqn.2026-11.test:api');
    await ini.clearUnitAttention(0);
    await ini.clearUnitAttention(1);
  });

  afterAll(async () => {
    ini?.destroy();
    await composed?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('GET /api/luns and /api/targets/:t/luns/:lun describe the LUs', async () => {
    const luns = await api('GET', '/api/luns');
    expect(luns.status).toBe(200);
    expect(luns.json).toEqual([
      expect.objectContaining({
        target: T,
        lun: 0,
        model: 'host-managed',
        zoneCount: 16,
        maxOpen: 4,
        blockSize: BS,
      }),
      expect.objectContaining({ target: T, lun: 1, model: 'none', zoneCount: 0 }),
    ]);
    expect((await api('GET', lunPath)).json).toMatchObject({ lun: 0, capacityBlocks: 16 * ZONE });
    expect((await api('GET', `/api/targets/${encodeURIComponent(T)}/luns/7`)).status).toBe(404);
  });

  it('GET a zone shows start, length, capacity, WP and condition', async () => {
    expect((await ini.write16(zoneStart(3), Buffer.alloc(8 * BS, 1), BS)).status).toBe(0);
    const z = await api('GET', `${lunPath}/zones/3`);
    expect(z.json).toEqual({
      index: 3,
      type: 2,
      condition: 2,
      start: zoneStart(3),
      length: ZONE,
      capacity: ZONE,
      writePointer: zoneStart(3) + 8,
    });
    expect((await api('GET', `${lunPath}/zones/16`)).status).toBe(404);
  });

  it('POST condition offline: REPORT ZONES shows it and reads fail with ZONE IS OFFLINE; normal again', async () => {
    const r = await api('POST', `${lunPath}/zones/4/condition`, { condition: 'offline' });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ condition: 0xf });
    const [zone] = await ini.reportZones(zoneStart(4), 1);
    expect(zone?.condition).toBe(0xf);
    const read = await ini.read16(zoneStart(4), 1, BS);
    expect(senseTriple(read.sense)).toEqual({ key: 7, asc: 0x2c, ascq: 0x0e });
    expect(
      (await api('POST', `${lunPath}/zones/4/condition`, { condition: 'normal' })).json,
    ).toMatchObject({ condition: 1 });
    expect((await ini.read16(zoneStart(4), 1, BS)).status).toBe(0);
  });

  it('POST condition read-only with persist is in the journal when the call returns', async () => {
    const before = (await stat(join(dir, 'z.img.zbcmeta'))).mtimeMs;
    expect(
      (await api('POST', `${lunPath}/zones/5/condition`, { condition: 'read-only', persist: true }))
        .status,
    ).toBe(200);
    expect((await stat(join(dir, 'z.img.zbcmeta'))).mtimeMs).toBeGreaterThanOrEqual(before);
    const w = await ini.write16(zoneStart(5), Buffer.alloc(BS), BS);
    expect(senseTriple(w.sense)).toEqual({ key: 7, asc: 0x27, ascq: 0x08 });
    await api('POST', `${lunPath}/zones/5/condition`, { condition: 'normal', persist: true });
  });

  it('refuses a bad condition, a conventional zone and a non-zoned LU', async () => {
    expect(
      await api('POST', `${lunPath}/zones/4/condition`, { condition: 'broken' }),
    ).toMatchObject({
      status: 400,
      json: { field: 'condition' },
    });
    expect(
      await api('POST', `${lunPath}/zones/4/condition`, { condition: 'offline', persist: 'yes' }),
    ).toMatchObject({
      status: 400,
      json: { field: 'persist' },
    });
    expect(
      (await api('POST', `${lunPath}/zones/0/condition`, { condition: 'offline' })).json,
    ).toMatchObject({
      error: 'zone 0 has no write pointer',
    });
    const lun1 = `/api/targets/${encodeURIComponent(T)}/luns/1/zones/0/condition`;
    expect((await api('POST', lun1, { condition: 'offline' })).status).toBe(409);
  });

  it('POST finish and reset run as ZBC OUT commands', async () => {
    expect((await api('POST', `${lunPath}/zones/6/finish`, {})).json).toMatchObject({
      condition: 0xe,
      writePointer: zoneStart(7),
    });
    expect((await api('POST', `${lunPath}/zones/6/reset`, {})).json).toMatchObject({
      condition: 1,
      writePointer: zoneStart(6),
    });
    expect((await api('POST', `${lunPath}/zones/0/reset`, {})).status).toBe(409); // conventional: 5/24/00
    expect((await api('POST', `${lunPath}/zones/99/finish`, {})).status).toBe(404);
  });

  it('faults: add, list, get, fire, release a stall, remove, clear', async () => {
    const add = await api('POST', '/api/faults', {
      id: 'rd',
      lun: 0,
      class: 'read',
      lba: { first: zoneStart(3) + 2, last: zoneStart(3) + 2 },
      action: { type: 'sense', preset: 'unrecovered-read-error' },
      times: 1,
    });
    expect(add.status).toBe(201);
    const failed = await ini.read16(zoneStart(3), 4, BS);
    expect(senseTriple(failed.sense)).toEqual({ key: 3, asc: 0x11, ascq: 0 });
    expect(failed.sense.readUInt32BE(3)).toBe(zoneStart(3) + 2); // INFORMATION: the failing LBA
    expect((await ini.read16(zoneStart(3), 4, BS)).status).toBe(0); // fired once
    expect((await api('GET', '/api/faults/rd')).json).toMatchObject({
      matches: 2,
      fired: 1,
      exhausted: true,
    });

    await api('POST', '/api/faults', { id: 'hold', lun: 1, action: { type: 'stall' } });
    let done = false;
    const stalled = ini.read16(0, 1, BS, 1).then((r) => {
      done = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(done).toBe(false);
    expect((await api('GET', '/api/faults')).json).toEqual([
      expect.objectContaining({ id: 'rd' }),
      expect.objectContaining({ id: 'hold', stalled: 1 }),
    ]);
    expect((await api('POST', '/api/faults/hold/release')).json).toEqual({ released: 1 });
    expect((await stalled).status).toBe(0);
    expect((await api('POST', '/api/faults/release')).json).toEqual({ released: 0 });
    expect((await api('DELETE', '/api/faults/hold')).status).toBe(204);
    expect((await api('DELETE', '/api/faults/hold')).status).toBe(404);
    expect((await api('GET', '/api/faults/hold')).status).toBe(404);
    expect((await api('POST', '/api/faults/hold/release')).status).toBe(404);
    expect((await api('DELETE', '/api/faults')).json).toEqual({ cleared: 1 });
  });

  it('an injected write error writes nothing; TASK SET FULL and BUSY statuses', async () => {
    await api('POST', '/api/faults', {
      id: 'we',
      class: 'write',
      zone: 7,
      action: { type: 'sense', preset: 'write-error' },
    });
    const w = await ini.write16(zoneStart(7), Buffer.alloc(BS, 7), BS);
    expect(senseTriple(w.sense)).toEqual({ key: 3, asc: 0x0c, ascq: 0 });
    expect((await api('GET', `${lunPath}/zones/7`)).json).toMatchObject({
      writePointer: zoneStart(7),
      condition: 1,
    });
    await api('DELETE', '/api/faults/we');
    for (const [status, code] of [
      ['task-set-full', 0x28],
      ['busy', 0x08],
    ] as const) {
      await api('POST', '/api/faults', { lun: 1, action: { type: 'status', status }, times: 1 });
      expect((await ini.read16(0, 1, BS, 1)).status).toBe(code);
    }
    await api('DELETE', '/api/faults');
  });

  it('refuses a bad rule with 400 naming the field, and a duplicate id with 409', async () => {
    const bad = await api('POST', '/api/faults', {
      class: 'read',
      action: { type: 'sense', key: 3, asc: 0x11 },
    });
    expect(bad).toMatchObject({
      status: 400,
      json: { field: 'action.ascq', error: 'action.ascq: is required without a preset' },
    });
    expect(
      await api('POST', '/api/faults', { lba: { first: 5, last: 1 }, action: { type: 'stall' } }),
    ).toMatchObject({
      status: 400,
      json: { field: 'lba.last' },
    });
    expect(
      await api('POST', '/api/faults', { ataCommand: 'WRITE', action: { type: 'stall' } }),
    ).toMatchObject({ status: 400, json: { field: 'ataCommand', error: /^ataCommand: must be / } });
    expect((await api('POST', '/api/faults', 'not an object')).status).toBe(400);
    await api('POST', '/api/faults', { id: 'dup', action: { type: 'stall' }, lun: 9 });
    expect(
      await api('POST', '/api/faults', { id: 'dup', action: { type: 'stall' } }),
    ).toMatchObject({ status: 409, json: { field: 'id' } });
    await api('DELETE', '/api/faults');
  });

  it('refuses cross-origin writes (Origin, Sec-Fetch-Site) and non-loopback Host names', async () => {
    const rule = { action: { type: 'stall' }, lun: 9 };
    expect((await api('POST', '/api/faults', rule, { origin: 'http://evil.example' })).status).toBe(
      403,
    );
    expect(
      (await api('POST', '/api/faults', rule, { 'sec-fetch-site': 'cross-site' })).status,
    ).toBe(403);
    expect(
      (await api('DELETE', '/api/faults', undefined, { 'sec-fetch-site': 'same-site' })).status,
    ).toBe(403);
    const same = await api('POST', '/api/faults', rule, {
      origin: base,
      'sec-fetch-site': 'same-origin',
    });
    expect(same.status).toBe(201);
    expect(
      (await api('GET', '/api/faults', undefined, { origin: 'http://evil.example' })).status,
    ).toBe(200);
    await api('DELETE', '/api/faults');
    // DNS rebinding: a loopback server answers only loopback Host names (fetch cannot set Host).
    const plane = composed.control;
    if (plane === undefined) throw new Error('no control plane');
    const app = await buildAdminApp(plane, { token: undefined, loopback: true });
    try {
      const get = (host: string) =>
        app.inject({ method: 'GET', url: '/api/luns', headers: { host } });
      expect((await get('evil.example:3280')).statusCode).toBe(421);
      expect((await get('localhost:3280')).statusCode).toBe(200);
      expect((await get('[::1]:3280')).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('off loopback every request needs the bearer token', async () => {
    const plane = composed.control;
    if (plane === undefined) throw new Error('no control plane');
    const app = await buildAdminApp(plane, { token: 's3cret-token', loopback: false });
    try {
      const get = (headers: Record<string, string>, url = '/api/luns') =>
        app.inject({ method: 'GET', url, headers });
      expect((await get({})).statusCode).toBe(401);
      expect((await get({ authorization: 'Bearer wrong' })).statusCode).toBe(401);
      expect((await get({ authorization: 'Bearer s3cret-token' })).statusCode).toBe(200);
      expect((await get({}, '/api/luns?token=s3cret-token')).statusCode).toBe(200);
      const post = await app.inject({
        method: 'POST',
        url: '/api/faults/release?token=s3cret-token',
      });
      expect(post.statusCode).toBe(401); // a query token is for GET only
      expect(
        (await get({ host: '192.0.2.7:3280', authorization: 'Bearer s3cret-token' })).statusCode,
      ).toBe(200);
    } finally {
      await app.close();
    }
    expect(parseCli(['--admin', '0.0.0.0:3280'])).toMatchObject({
      kind: 'exit',
      code: 2,
      stderr:
        'zbc-target: --admin-token: is required when --admin is not a loopback address (0.0.0.0:3280)\n',
    });
    expect(parseCli(['--admin', '0.0.0.0:3280', '--admin-token', 'x'])).toMatchObject({
      kind: 'run',
    });
  });

  it('sessions: list and drop', async () => {
    const other = await loginAs('iqn.2026-11.test:dropme');
    const list = await api('GET', '/api/sessions');
    const mine = (list.json as { tsih: number; initiatorName: string }[]).find(
      (s) => s.initiatorName === 'iqn.2026-11.test:dropme',
    );
    expect(mine).toMatchObject({ targetName: T });
    expect((await api('DELETE', `/api/sessions/${mine?.tsih}`)).status).toBe(204);
    await expect(other.read16(0, 1, BS, 1)).rejects.toThrow();
    expect((await api('DELETE', `/api/sessions/${mine?.tsih}`)).status).toBe(404);
  });

  it('a drop-connection fault ends the session of the matching command', async () => {
    const victim = await loginAs('iqn.2026-11.test:victim');
    await victim.clearUnitAttention(1);
    await api('POST', '/api/faults', {
      initiator: 'iqn.2026-11.test:victim',
      action: { type: 'drop-connection' },
    });
    await expect(victim.read16(0, 1, BS, 1)).rejects.toThrow();
    expect((await ini.read16(0, 1, BS, 1)).status).toBe(0);
    expect((await api('GET', '/api/faults')).json).toEqual([expect.objectContaining({ fired: 1 })]);
    await api('DELETE', '/api/faults');
  });

  it('trace: start, status, stop, and refusals', async () => {
    const file = join(dir, 'api.pcap');
    const start = await api('POST', '/api/trace/start', { file });
    expect(start.json).toMatchObject({ active: true, file, data: false });
    await ini.read16(0, 1, BS, 1);
    expect(((await api('GET', '/api/trace')).json as { packets: number }).packets).toBeGreaterThan(
      3,
    );
    expect((await api('POST', '/api/trace/stop')).json).toMatchObject({ active: false });
    expect((await readFile(file)).readUInt32LE(0)).toBe(0xa1b2c3d4);
    expect((await api('POST', '/api/trace/start', {})).json).toMatchObject({ field: 'file' });
    expect((await api('POST', '/api/trace/start', { file, maxBytes: -1 })).json).toMatchObject({
      field: 'maxBytes',
    });
    expect(
      (await api('POST', '/api/trace/start', { file: join(dir, 'no', 'such', 'dir.pcap') })).status,
    ).toBe(400);
  });

  it('GET / serves the zone map, /api/zone-tables the tables, /api/events a stream', async () => {
    const page = await fetch(`${base}/`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('new EventSource');
    const tables = await api('GET', '/api/zone-tables');
    const [t] = (tables.json as { tables: { zoneCount: number; condition: string }[] }).tables;
    expect(t?.zoneCount).toBe(16);
    expect(Buffer.from(t?.condition ?? '', 'base64')).toHaveLength(16);
    const controller = new AbortController();
    const events = await fetch(`${base}/api/events`, { signal: controller.signal });
    expect(events.headers.get('content-type')).toBe('text/event-stream');
    const reader = (events.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    while (!text.includes('"seq"'))
      text += Buffer.from((await reader.read()).value ?? []).toString();
    expect(text).toContain('event: hello');
    controller.abort();
  });

  it('zbc-target ctl drives the same API and reports refusals in one line', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const stdout = vi
      .spyOn(process.stdout, 'write')
      .mockImplementation((s) => !!out.push(String(s)));
    const stderr = vi
      .spyOn(process.stderr, 'write')
      .mockImplementation((s) => !!err.push(String(s)));
    try {
      const ctl = (...args: string[]) => runCtl(['--url', base, ...args]);
      const rule = '{"id":"c1","lun":1,"class":"write","action":{"type":"stall"}}';
      expect(await ctl('fault', 'add', rule)).toBe(0);
      expect(await ctl('faults')).toBe(0);
      expect(JSON.parse(out.at(-1) ?? '[]')).toEqual([expect.objectContaining({ id: 'c1' })]);
      expect(await ctl('zone', '0', '9', 'offline')).toBe(0); // the only target, found by ctl
      expect(JSON.parse(out.at(-1) ?? '{}')).toMatchObject({ index: 9, condition: 0xf });
      expect(await ctl('zone', '0', '9', 'normal')).toBe(0);
      expect(await ctl('fault', 'clear')).toBe(0);
      expect(await ctl('fault', 'add', '{"action":{"type":"sense","preset":"nope"}}')).toBe(1);
      expect(err.at(-1)).toMatch(/^zbc-target ctl: 400 action\.preset: must be one of .*\n$/);
      expect(await ctl('frobnicate')).toBe(2);
      expect(err.at(-1)).toContain('usage: zbc-target ctl');
      const closed = createServer();
      await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
      const port = (closed.address() as AddressInfo).port;
      await new Promise((r) => closed.close(r));
      expect(await runCtl(['--url', `http://127.0.0.1:${port}`, 'luns'])).toBe(1);
      expect(err.at(-1)).toBe('zbc-target ctl: cannot reach the control server: ECONNREFUSED\n');
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
  });

  it('GET /metrics answers Prometheus text', async () => {
    const m = await fetch(`${base}/metrics`);
    expect(m.headers.get('content-type')).toContain('text/plain');
    expect(await m.text()).toContain('zbc_commands_total{opcode="0x88"');
  });
});

describe('control flags', () => {
  it('--admin, --no-admin, --admin-token and --trace* resolve or fail in one line', () => {
    expect(parseCli(['--admin', '127.0.0.1:3281'])).toMatchObject({
      kind: 'run',
      config: { admin: { host: '127.0.0.1', port: 3281 } },
    });
    const off = parseCli(['--no-admin']);
    expect(off.kind === 'run' && off.config.admin).toBe(undefined);
    expect(parseCli(['--admin-token', 'x'])).toMatchObject({
      stderr: 'zbc-target: --admin-token: needs --admin\n',
    });
    expect(parseCli(['--admin', 'nope:port'])).toMatchObject({ code: 2 });
    expect(
      parseCli(['--trace', 't.pcap', '--trace-data', '--trace-max-bytes', '1MiB']),
    ).toMatchObject({
      kind: 'run',
      config: { trace: { file: 't.pcap', data: true, maxBytes: 1024 * 1024 } },
    });
    expect(parseCli(['--trace-data'])).toMatchObject({
      stderr: 'zbc-target: --trace-data: needs --trace\n',
    });
    expect(parseCli(['--trace', 't.pcap', '--trace-max-bytes', 'lots'])).toMatchObject({ code: 2 });
  });
});
