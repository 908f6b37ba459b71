// /metrics parsed by a Prometheus text-format parser after a scripted workload: every counter
// matches what the mini initiator sent.
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Composed } from '../../../../src/compose.js';
import { ata16 } from '../../../helpers/ata-cdb.js';
import { BS, startControlled, ZONE, zonedLun } from '../../../helpers/control-target.js';
import { MiniInitiator, senseTriple } from '../../../helpers/mini-initiator.js';

const T = 'iqn.2026-11.dev.zbc-target:metrics';

type Families = ReturnType<typeof parsePrometheusTextFormat>;

function value(families: Families, name: string, labels: Record<string, string> = {}): number {
  const family = families.find((f) => f.name === name);
  if (family === undefined) throw new Error(`no metric ${name}`);
  const matching = family.metrics.filter((m) =>
    Object.entries(labels).every(([k, v]) => m.labels?.[k] === v),
  );
  return matching.reduce((sum, m) => sum + Number(m.value ?? m.count ?? 0), 0);
}

/**
 * One labelled series of a histogram. The parser merges the samples of a labelled histogram into
 * one (it keys histograms by `le` only), so it is given that series alone, its labels removed.
 */
function histogram(
  text: string,
  name: string,
  label: string,
): { buckets: Record<string, string>; count: number; sum: number } {
  const lines = text
    .split('\n')
    .filter(
      (l) =>
        l.startsWith(`# HELP ${name} `) ||
        l.startsWith(`# TYPE ${name} `) ||
        (l.startsWith(name) && l.includes(label)),
    )
    .map((l) => l.replace(`${label},`, '').replace(`{${label}}`, '').replace(label, ''));
  const [family] = parsePrometheusTextFormat(`${lines.join('\n')}\n`);
  const sample = family?.metrics[0];
  return { buckets: sample?.buckets ?? {}, count: Number(sample?.count), sum: Number(sample?.sum) };
}

function zbcOut(serviceAction: number, zoneStart: number): Buffer {
  const cdb = Buffer.alloc(16);
  cdb[0] = 0x94;
  cdb[1] = serviceAction;
  cdb.writeUInt32BE(zoneStart, 6);
  return cdb;
}

describe('/metrics after a scripted workload', () => {
  let composed: Composed;
  let families: Families;
  let text: string;

  beforeAll(async () => {
    const faults = [{ id: 'late', class: 'write', action: { type: 'latency', ms: 20 }, times: 2 }];
    const started = await startControlled(T, [zonedLun(0, { maxOpen: 4 })], {
      faults,
      admin: true,
    });
    composed = started.composed;
    const ini = await MiniInitiator.login({ host: '127.0.0.1', port: started.port, targetName: T });
    await ini.clearUnitAttention(); // TEST UNIT READY: 6/29/00, then GOOD
    for (let i = 0; i < 5; i++)
      expect((await ini.write16(2 * ZONE + i * 4, Buffer.alloc(4 * BS, i), BS)).status).toBe(0);
    expect((await ini.write16(3 * ZONE, Buffer.alloc(2 * BS), BS)).status).toBe(0);
    for (let i = 0; i < 3; i++) expect((await ini.read16(2 * ZONE, 8, BS)).status).toBe(0);
    const outOfRange = await ini.read16(16 * ZONE, 1, BS);
    expect(senseTriple(outOfRange.sense)).toEqual({ key: 5, asc: 0x21, ascq: 0 });
    expect((await ini.command(zbcOut(0x03, 4 * ZONE))).status).toBe(0); // OPEN ZONE
    expect((await ini.command(zbcOut(0x02, 4 * ZONE))).status).toBe(0); // FINISH ZONE
    expect((await ini.command(zbcOut(0x04, 2 * ZONE))).status).toBe(0); // RESET WRITE POINTER
    text = await (await fetch(`${started.adminBase}/metrics`)).text();
    families = parsePrometheusTextFormat(text);
    await ini.close();
  });

  afterAll(async () => {
    await composed?.close();
  });

  it('counts commands by opcode, service action and status', () => {
    expect(value(families, 'zbc_commands_total', { opcode: '0x8a', status: 'good' })).toBe(6);
    expect(value(families, 'zbc_commands_total', { opcode: '0x88', status: 'good' })).toBe(3);
    expect(
      value(families, 'zbc_commands_total', { opcode: '0x88', status: 'check_condition' }),
    ).toBe(1);
    expect(value(families, 'zbc_commands_total', { opcode: '0x00' })).toBe(2);
    expect(value(families, 'zbc_commands_total', { opcode: '0x94', service_action: '0x03' })).toBe(
      1,
    );
    expect(value(families, 'zbc_commands_total', { opcode: '0x94', service_action: '0x04' })).toBe(
      1,
    );
  });

  it('latency histograms per class, bytes moved and errors by sense key', () => {
    const latency = (c: string) => histogram(text, 'zbc_command_duration_seconds', `class="${c}"`);
    expect(latency('read').count).toBe(4);
    expect(latency('zone').count).toBe(3);
    const write = latency('write');
    expect(write.count).toBe(6);
    // Two writes were delayed 20 ms by the armed latency fault: at most 4 fall under 10 ms.
    expect(Number(write.buckets['0.01'])).toBeLessThanOrEqual(4);
    expect(Number(write.buckets['+Inf'])).toBe(6);
    expect(write.sum).toBeGreaterThanOrEqual(0.04);
    expect(value(families, 'zbc_read_bytes_total')).toBe(3 * 8 * BS);
    expect(value(families, 'zbc_written_bytes_total')).toBe((5 * 4 + 2) * BS);
    expect(value(families, 'zbc_check_conditions_total', { sense_key: '0x05' })).toBe(1);
    expect(value(families, 'zbc_check_conditions_total', { sense_key: '0x06' })).toBe(1);
    expect(value(families, 'zbc_faults_fired_total', { fault: 'late', action: 'latency' })).toBe(2);
  });

  it('zone conditions and transitions', () => {
    const lun = { target: T, lun: '0' };
    expect(value(families, 'zbc_zones', { ...lun, condition: 'not_write_pointer' })).toBe(2);
    expect(value(families, 'zbc_zones', { ...lun, condition: 'empty' })).toBe(12); // 2 reset, 5-15
    expect(value(families, 'zbc_zones', { ...lun, condition: 'implicitly_opened' })).toBe(1); // zone 3
    expect(value(families, 'zbc_zones', { ...lun, condition: 'full' })).toBe(1); // zone 4
    expect(value(families, 'zbc_open_zones_limit', lun)).toBe(4);
    expect(value(families, 'zbc_zone_implicit_opens_total', lun)).toBe(2);
    expect(value(families, 'zbc_zone_explicit_opens_total', lun)).toBe(1);
    expect(value(families, 'zbc_zone_finishes_total', lun)).toBe(1);
    expect(value(families, 'zbc_zone_resets_total', lun)).toBe(1);
  });

  it('sessions, connections and PDUs', () => {
    expect(value(families, 'zbc_iscsi_sessions')).toBe(1);
    expect(value(families, 'zbc_iscsi_sessions_total')).toBe(1);
    expect(value(families, 'zbc_iscsi_connections')).toBe(1);
    expect(value(families, 'zbc_iscsi_connections_total')).toBe(1);
    // 2 TUR + 6 WRITE + 4 READ + 3 ZBC OUT commands in; one SCSI Response or final Data-In each.
    expect(value(families, 'zbc_iscsi_pdus_total', { direction: 'in', opcode: '0x01' })).toBe(15);
    expect(value(families, 'zbc_iscsi_pdus_total', { direction: 'in', opcode: '0x03' })).toBe(2); // login
    expect(value(families, 'zbc_iscsi_pdus_total', { direction: 'out', opcode: '0x23' })).toBe(2);
    expect(value(families, 'zbc_iscsi_digest_errors_total')).toBe(0);
  });
});

describe('/metrics for ATA PASS-THROUGH commands on a SATA LU', () => {
  const TS = `${T}-sata`;
  let composed: Composed;
  let families: Families;
  let text: string;
  const dma = (command: number, lba: number, sectors: number): Buffer =>
    ata16({ protocol: 6, toHost: command === 0x25, tLength: 2, count: sectors, lba, command });

  beforeAll(async () => {
    const started = await startControlled(TS, [zonedLun(0, { interface: 'sata' })], {
      admin: true,
    });
    composed = started.composed;
    const ini = await MiniInitiator.login({
      host: '127.0.0.1',
      port: started.port,
      targetName: TS,
    });
    await ini.clearUnitAttention();
    for (let i = 0; i < 2; i++) {
      const data = Buffer.alloc(4 * BS, i + 1);
      expect((await ini.command(dma(0x35, 2 * ZONE + i * 4, 4), { dataOut: data })).status).toBe(0);
    }
    expect((await ini.command(dma(0x25, 2 * ZONE, 8), { dataInLength: 8 * BS })).status).toBe(0);
    const reset = ata16({ protocol: 3, features: 0x04, lba: 2 * ZONE, command: 0x9f });
    expect((await ini.command(reset)).status).toBe(0);
    text = await (await fetch(`${started.adminBase}/metrics`)).text();
    families = parsePrometheusTextFormat(text);
    await ini.close();
  });

  afterAll(async () => {
    await composed?.close();
  });

  it('counts each ATA command by name, and the pass-through opcode', () => {
    const ata = (command: string) =>
      value(families, 'zbc_ata_commands_total', { command, status: 'good' });
    expect(ata('WRITE DMA EXT')).toBe(2);
    expect(ata('READ DMA EXT')).toBe(1);
    expect(ata('RESET WRITE POINTER EXT')).toBe(1);
    expect(value(families, 'zbc_commands_total', { opcode: '0x85', status: 'good' })).toBe(4);
  });

  it('times them in the class of their SCSI counterpart and counts their bytes and zones', () => {
    const latency = (c: string) => histogram(text, 'zbc_command_duration_seconds', `class="${c}"`);
    expect(latency('write').count).toBe(2);
    expect(latency('read').count).toBe(1);
    expect(latency('zone').count).toBe(1);
    expect(value(families, 'zbc_written_bytes_total')).toBe(2 * 4 * BS);
    expect(value(families, 'zbc_read_bytes_total')).toBe(8 * BS);
    expect(value(families, 'zbc_zone_resets_total', { target: TS, lun: '0' })).toBe(1);
  });
});
