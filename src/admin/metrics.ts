// Prometheus metrics (prom-client) fed by the command hook and the transport observer. The hot
// path finds its counter child by a numeric key in a Map (label strings are built once per
// opcode/status pair, on first sight); zone gauges are computed at scrape time.
import { Counter, Gauge, Histogram, type LabelValues, Registry } from 'prom-client';
import type { CommandClass, CommandObservation } from '../../scsi/ports/command-hook.js';
import { ZoneCondition } from '../../zbc/types.js';
import type { LunRegistry } from './lun-registry.js';

const CONDITION_NAMES: Readonly<Record<number, string>> = {
  [ZoneCondition.NOT_WRITE_POINTER]: 'not_write_pointer',
  [ZoneCondition.EMPTY]: 'empty',
  [ZoneCondition.IMPLICITLY_OPENED]: 'implicitly_opened',
  [ZoneCondition.EXPLICITLY_OPENED]: 'explicitly_opened',
  [ZoneCondition.CLOSED]: 'closed',
  [ZoneCondition.INACTIVE]: 'inactive',
  [ZoneCondition.READ_ONLY]: 'read_only',
  [ZoneCondition.FULL]: 'full',
  [ZoneCondition.OFFLINE]: 'offline',
};

const STATUS_NAMES: Readonly<Record<number, string>> = {
  0x00: 'good',
  0x02: 'check_condition',
  0x04: 'condition_met',
  0x08: 'busy',
  0x18: 'reservation_conflict',
  0x28: 'task_set_full',
  0x30: 'aca_active',
  0x40: 'task_aborted',
};

const hex = (n: number): string => `0x${n.toString(16).padStart(2, '0')}`;

type Inc = { inc(value?: number): void };

export interface Activity {
  readonly commands: number;
  readonly bytes: number;
}

export class Metrics {
  readonly registry = new Registry();
  readonly #commands: Counter<'opcode' | 'service_action' | 'status'>;
  readonly #commandChildren = new Map<number, Inc>();
  readonly #latency: Record<CommandClass, { observe(v: number): void }>;
  readonly #bytesRead: Counter;
  readonly #bytesWritten: Counter;
  readonly #senseKeys: Inc[];
  readonly #pdus: Counter<'direction' | 'opcode'>;
  readonly #pduChildren = new Map<number, Inc>();
  readonly #digestErrors: Counter<'kind'>;
  readonly #sessions: Gauge;
  readonly #sessionsTotal: Counter;
  readonly #connections: Gauge;
  readonly #connectionsTotal: Counter;
  readonly #faults: Counter<'fault' | 'action'>;
  /** Totals for the zone map's commands/s and MB/s. */
  #activity = { commands: 0, bytes: 0 };

  constructor(luns: LunRegistry) {
    const registry = this.registry;
    const common = { registers: [registry] };
    this.#commands = new Counter({
      name: 'zbc_commands_total',
      help: 'SCSI commands completed, by opcode, service action and status',
      labelNames: ['opcode', 'service_action', 'status'],
      ...common,
    });
    const latency = new Histogram({
      name: 'zbc_command_duration_seconds',
      help: 'Command latency from receipt to outcome, by command class',
      labelNames: ['class'],
      buckets: [
        0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5,
      ],
      ...common,
    });
    this.#latency = {
      read: latency.labels('read'),
      write: latency.labels('write'),
      zone: latency.labels('zone'),
      other: latency.labels('other'),
    };
    this.#bytesRead = new Counter({
      name: 'zbc_read_bytes_total',
      help: 'Data-In bytes sent',
      ...common,
    });
    this.#bytesWritten = new Counter({
      name: 'zbc_written_bytes_total',
      help: 'Data-Out bytes of commands that succeeded',
      ...common,
    });
    const senseKeys = new Counter({
      name: 'zbc_check_conditions_total',
      help: 'CHECK CONDITION outcomes by sense key',
      labelNames: ['sense_key'],
      ...common,
    });
    this.#senseKeys = Array.from({ length: 16 }, (_, k) => senseKeys.labels(hex(k)));
    this.#pdus = new Counter({
      name: 'zbc_iscsi_pdus_total',
      help: 'iSCSI PDUs by direction and opcode',
      labelNames: ['direction', 'opcode'],
      ...common,
    });
    this.#digestErrors = new Counter({
      name: 'zbc_iscsi_digest_errors_total',
      help: 'Header and data digest mismatches',
      labelNames: ['kind'],
      ...common,
    });
    this.#sessions = new Gauge({
      name: 'zbc_iscsi_sessions',
      help: 'Logged-in sessions',
      ...common,
    });
    this.#sessionsTotal = new Counter({
      name: 'zbc_iscsi_sessions_total',
      help: 'Sessions logged in since start',
      ...common,
    });
    this.#connections = new Gauge({
      name: 'zbc_iscsi_connections',
      help: 'Open TCP connections',
      ...common,
    });
    this.#connectionsTotal = new Counter({
      name: 'zbc_iscsi_connections_total',
      help: 'Connections accepted since start',
      ...common,
    });
    this.#faults = new Counter({
      name: 'zbc_faults_fired_total',
      help: 'Injected faults fired, by rule id and action',
      labelNames: ['fault', 'action'],
      ...common,
    });
    this.#zoneGauges(luns);
  }

  /** Zone conditions, open counts and transition counters, read from the models at scrape. */
  #zoneGauges(luns: LunRegistry): void {
    const zoned = luns.all.filter((h) => h.zones !== undefined);
    const common = { registers: [this.registry], labelNames: ['target', 'lun'] as const };
    new Gauge({
      name: 'zbc_zones',
      help: 'Zones per condition',
      ...common,
      labelNames: ['target', 'lun', 'condition'],
      collect() {
        for (const h of zoned) {
          const counts = new Map<number, number>();
          const model = h.zones;
          if (model === undefined) continue;
          for (const c of model.liveArrays().condition) counts.set(c, (counts.get(c) ?? 0) + 1);
          for (const [c, name] of Object.entries(CONDITION_NAMES)) {
            this.set(
              { target: h.targetName, lun: String(h.lun), condition: name },
              counts.get(Number(c)) ?? 0,
            );
          }
        }
      },
    });
    new Gauge({
      name: 'zbc_open_zones_limit',
      help: 'MAXIMUM NUMBER OF OPEN SEQUENTIAL WRITE REQUIRED ZONES (-1: no limit)',
      ...common,
      collect() {
        for (const h of zoned) this.set(lunLabels(h), h.zones?.layout.maxOpen ?? -1);
      },
    });
    const transition = (name: string, help: string, read: (t: TransitionCounts) => number) => {
      const seen = new Map<string, number>();
      new Counter({
        name,
        help,
        ...common,
        collect() {
          for (const h of zoned) {
            const labels = lunLabels(h);
            const key = `${labels.target}/${labels.lun}`;
            const now = h.zones === undefined ? 0 : read(h.zones.transitions);
            const delta = now - (seen.get(key) ?? 0);
            seen.set(key, now);
            if (delta > 0) this.inc(labels, delta);
            else this.inc(labels, 0);
          }
        },
      });
    };
    transition(
      'zbc_zone_implicit_opens_total',
      'Zones implicitly opened by writes',
      (t) => t.implicitOpens,
    );
    transition(
      'zbc_zone_explicit_opens_total',
      'Zones explicitly opened (OPEN ZONE)',
      (t) => t.explicitOpens,
    );
    transition('zbc_zone_resets_total', 'Zones whose write pointer was reset', (t) => t.resets);
    transition('zbc_zone_finishes_total', 'Zones finished (FINISH ZONE)', (t) => t.finishes);
  }

  /** The command hook's `after`: a few Map lookups and increments. */
  command(o: CommandObservation): void {
    const v = o.view;
    const key = v.opcode * 0x10000 + (v.serviceAction + 1) * 0x100 + o.status;
    let child = this.#commandChildren.get(key);
    if (child === undefined) {
      child = this.#commands.labels(
        hex(v.opcode),
        v.serviceAction < 0 ? '' : hex(v.serviceAction),
        STATUS_NAMES[o.status] ?? hex(o.status),
      );
      this.#commandChildren.set(key, child);
    }
    child.inc();
    this.#latency[v.commandClass].observe(o.latencyMs / 1000);
    if (o.bytesIn > 0) this.#bytesRead.inc(o.bytesIn);
    if (o.bytesOut > 0) this.#bytesWritten.inc(o.bytesOut);
    if (o.senseKey >= 0) this.#senseKeys[o.senseKey]?.inc();
    this.#activity.commands += 1;
    this.#activity.bytes += o.bytesIn + o.bytesOut;
  }

  pdu(direction: 'in' | 'out', opcode: number): void {
    const key = (direction === 'in' ? 0 : 0x100) + opcode;
    let child = this.#pduChildren.get(key);
    if (child === undefined) {
      child = this.#pdus.labels(direction, hex(opcode));
      this.#pduChildren.set(key, child);
    }
    child.inc();
  }

  digestError(kind: 'header' | 'data'): void {
    this.#digestErrors.labels(kind).inc();
  }

  connection(opened: boolean): void {
    if (opened) {
      this.#connections.inc();
      this.#connectionsTotal.inc();
    } else this.#connections.dec();
  }

  session(opened: boolean): void {
    if (opened) {
      this.#sessions.inc();
      this.#sessionsTotal.inc();
    } else this.#sessions.dec();
  }

  faultFired(id: string, action: string): void {
    this.#faults.labels(id, action).inc();
  }

  activity(): Activity {
    return { ...this.#activity };
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}

type TransitionCounts = {
  implicitOpens: number;
  explicitOpens: number;
  resets: number;
  finishes: number;
};

function lunLabels(h: { targetName: string; lun: number }): LabelValues<'target' | 'lun'> {
  return { target: h.targetName, lun: String(h.lun) };
}
