// Prometheus metrics (prom-client) fed by the command hook and the transport observer. The
// command path only adds to plain counts (scrape-counts.ts), keyed by number, with label strings
// made once per key; prom-client gets them at scrape time, as do the zone gauges.
import { Counter, Gauge, type LabelValues, Registry } from 'prom-client';
import type {
  AtaCommandId,
  CommandClass,
  CommandObservation,
} from '../../scsi/ports/command-hook.js';
import { ZoneCondition } from '../../zbc/types.js';
import type { LunRegistry } from './lun-registry.js';
import { KeyedCounts, LabelledHistogram } from './scrape-counts.js';

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
const statusName = (status: number): string => STATUS_NAMES[status] ?? hex(status);
/** The opcode's place in a command key, above a 16-bit service action + 1 and the status. */
const OPCODE_UNIT = 0x200_0000;
const saOfKey = (key: number): number => Math.floor(key / 0x100) % 0x2_0000;

/** Classes in the order of the latency histogram's label values. */
const CLASSES: readonly CommandClass[] = ['read', 'write', 'zone', 'other'];
const CLASS_INDEX: Readonly<Record<CommandClass, number>> = {
  read: 0,
  write: 1,
  zone: 2,
  other: 3,
};
const LATENCY_BOUNDS = [
  0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5,
];

export interface Activity {
  readonly commands: number;
  readonly bytes: number;
}

export class Metrics {
  readonly registry = new Registry();
  /** Key: opcode * OPCODE_UNIT + (service action + 1) * 0x100 + status (7Fh: 16-bit SAs). */
  readonly #commands = new KeyedCounts<'opcode' | 'service_action' | 'status'>((key) => ({
    opcode: hex(Math.floor(key / OPCODE_UNIT)),
    service_action: saOfKey(key) === 0 ? '' : hex(saOfKey(key) - 1),
    status: statusName(key & 0xff),
  }));
  readonly #latency = new LabelledHistogram(
    'zbc_command_duration_seconds',
    'Command latency from receipt to outcome, by command class',
    'class',
    CLASSES,
    LATENCY_BOUNDS,
  );
  /** ATA commands inside ATA PASS-THROUGH, numbered as first seen (their label is the name). */
  readonly #ataNumbers = new Map<AtaCommandId, number>();
  readonly #ataNames: string[] = [];
  /** Key: ATA command number << 8 | status. */
  readonly #ataCommands = new KeyedCounts<'command' | 'status'>((key) => ({
    command: this.#ataNames[Math.floor(key / 0x100)] ?? '',
    status: statusName(key & 0xff),
  }));
  /** Key: sense key (0-15). */
  readonly #senseKeys = new KeyedCounts<'sense_key'>((key) => ({ sense_key: hex(key) }));
  /** Key: 0x100 for target-to-initiator, plus the opcode. */
  readonly #pdus = new KeyedCounts<'direction' | 'opcode'>((key) => ({
    direction: key >= 0x100 ? 'out' : 'in',
    opcode: hex(key & 0xff),
  }));
  #bytes = { read: 0, written: 0, readReported: 0, writtenReported: 0 };
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
    /** A counter fed at scrape time from counts the command path keeps. */
    const fedFrom = <L extends string>(
      counts: KeyedCounts<L>,
      name: string,
      help: string,
      labelNames: readonly L[],
    ): void => {
      new Counter<L>({
        name,
        help,
        labelNames,
        ...common,
        collect() {
          counts.reportTo(this);
        },
      });
    };
    fedFrom(
      this.#commands,
      'zbc_commands_total',
      'SCSI commands completed, by opcode, service action and status',
      ['opcode', 'service_action', 'status'],
    );
    fedFrom(
      this.#ataCommands,
      'zbc_ata_commands_total',
      'ATA commands completed inside ATA PASS-THROUGH, by ATA command and SCSI status',
      ['command', 'status'],
    );
    // Not a prom-client class, but the interface its registry reads (get(), name, help, type).
    registry.registerMetric(this.#latency as unknown as Counter);
    const bytes = this.#bytes;
    new Counter({
      name: 'zbc_read_bytes_total',
      help: 'Data-In bytes sent',
      ...common,
      collect() {
        this.inc(bytes.read - bytes.readReported);
        bytes.readReported = bytes.read;
      },
    });
    new Counter({
      name: 'zbc_written_bytes_total',
      help: 'Data-Out bytes of commands that succeeded',
      ...common,
      collect() {
        this.inc(bytes.written - bytes.writtenReported);
        bytes.writtenReported = bytes.written;
      },
    });
    fedFrom(
      this.#senseKeys,
      'zbc_check_conditions_total',
      'CHECK CONDITION outcomes by sense key',
      ['sense_key'],
    );
    fedFrom(this.#pdus, 'zbc_iscsi_pdus_total', 'iSCSI PDUs by direction and opcode', [
      'direction',
      'opcode',
    ]);
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

  /** The command hook's `after`: a Map lookup, a bucket search and additions. */
  command(o: CommandObservation): void {
    this.#commands.add(o.opcode * OPCODE_UNIT + (o.serviceAction + 1) * 0x100 + o.status);
    if (o.ata !== undefined) this.#ataCommands.add(this.#ataNumber(o.ata) * 0x100 + o.status);
    this.#latency.observe(CLASS_INDEX[o.commandClass], o.latencyMs / 1000);
    this.#bytes.read += o.bytesIn;
    this.#bytes.written += o.bytesOut;
    if (o.senseKey >= 0) this.#senseKeys.add(o.senseKey);
    this.#activity.commands += 1;
    this.#activity.bytes += o.bytesIn + o.bytesOut;
  }

  #ataNumber(ata: AtaCommandId): number {
    let n = this.#ataNumbers.get(ata);
    if (n === undefined) {
      n = this.#ataNames.push(ata.name) - 1;
      this.#ataNumbers.set(ata, n);
    }
    return n;
  }

  pdu(direction: 'in' | 'out', opcode: number): void {
    this.#pdus.add((direction === 'in' ? 0 : 0x100) + opcode);
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
