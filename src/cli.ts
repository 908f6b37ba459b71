// Command line: flags -> the same raw configuration a JSON file gives, resolved by config.ts.
// Zone flags take scsi_debug's names where one exists (zbc=, zone_size_mb, zone_cap_mb,
// zone_nr_conv, zone_max_open). A bad flag is one line naming it, and exit code 2.
import { Command, CommanderError } from 'commander';
import {
  ConfigError,
  type ConfigPath,
  DEFAULT_IQN,
  DEFAULT_LISTEN,
  type FieldNamer,
  loadConfigFile,
  parseListen,
  type RawConfig,
  type RawLun,
  type ResolvedConfig,
  resolveConfig,
} from './config.js';
import { isLoopbackHost } from './admin/request-guard.js';
import { listProfiles } from './profiles.js';
import { formatSize, parseSize } from './sizes.js';

export const USAGE_EXIT_CODE = 2;

export type CliResult =
  | { readonly kind: 'run'; readonly config: ResolvedConfig }
  | {
      readonly kind: 'exit';
      readonly code: number;
      readonly stdout: string;
      readonly stderr: string;
    };

/** Raw-config key -> the flag that sets it (for error messages). */
const FLAG_FOR: Readonly<Record<string, string>> = {
  listen: '--listen',
  queueDepth: '--queue-depth',
  name: '--iqn',
  alias: '--alias',
  chap: '--chap-user',
  mutualChap: '--mutual-chap-user',
  initiators: '--initiator',
  lun: '--lun',
  backing: '--backing',
  memory: '--memory',
  capacity: '--capacity',
  blockSize: '--block-size',
  physicalBlockSize: '--physical-block-size',
  profile: '--profile',
  model: '--model',
  activateLayout: '--activate-layout',
  interface: '--interface',
  zoneSize: '--zone-size',
  zoneCapacity: '--zone-capacity',
  conventionalZones: '--conventional-zones',
  maxOpen: '--max-open',
  urswrz: '--urswrz',
  readOnlyZones: '--read-only-zones',
  offlineZones: '--offline-zones',
  serial: '--serial',
  vendor: '--vendor',
  product: '--product',
  readOnly: '--read-only',
  format: '--format',
};

/** Fields whose flag depends on the parent: the CHAP secrets. */
const SECRET_FLAG_FOR: Readonly<Record<string, string>> = {
  chap: '--chap-secret',
  mutualChap: '--mutual-chap-secret',
};

const flagNamer: FieldNamer = (path: ConfigPath) => {
  const parent = path[path.length - 2];
  if (path[path.length - 1] === 'secret' && typeof parent === 'string' && SECRET_FLAG_FOR[parent]) {
    return SECRET_FLAG_FOR[parent];
  }
  for (let i = path.length - 1; i >= 0; i--) {
    const key = path[i];
    if (typeof key === 'string' && FLAG_FOR[key]) return FLAG_FOR[key];
  }
  return 'zbc-target';
};

class FlagError extends Error {}
function flagError(flag: string, detail: string): never {
  throw new FlagError(`${flag}: ${detail}`);
}

function int(flag: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text.trim())) flagError(flag, `not an integer: "${text}"`);
  const n = Number(text);
  if (n < min || n > max) flagError(flag, `must be ${min} to ${max}`);
  return n;
}

function intList(flag: string, text: string): number[] {
  if (text.trim() === '') return [];
  return text.split(',').map((part) => int(flag, part, 0, 0xffff_ffff));
}

function buildProgram(): Command {
  const program = new Command('zbc-target')
    .description('SCSI zoned block device (ZBC) emulator exported over iSCSI')
    .helpOption('-h, --help', 'show this help')
    .option('--listen <host:port>', `portal address, IPv6 in brackets (default ${DEFAULT_LISTEN})`)
    .option('--config <file>', 'JSON file describing several targets and LUNs')
    .option('--iqn <name>', `target name (default ${DEFAULT_IQN})`)
    .option('--alias <text>', 'TargetAlias sent at login')
    .option('--lun <n>', 'LUN number (default 0)')
    .option('--backing <file>', 'backing file (created sparse; zone state in <file>.zbcmeta)')
    .option('--memory', 'keep data in RAM (default; lost at exit)')
    .option('--capacity <size>', 'capacity, e.g. 1GiB, 20TB')
    .option('--block-size <bytes>', 'logical block size: 512 or 4096')
    .option('--physical-block-size <bytes>', 'physical block size (default 4096)')
    .option('--profile <name>', 'drive profile (see --list-profiles; default "default")')
    .option('--list-profiles', 'list drive profiles and exit')
    .option(
      '--model <model>',
      'host-managed | host-aware | none (scsi_debug zbc=) | zone-domains (ZBC-2)',
    )
    .option(
      '--activate-layout <layout>',
      'zone-domains: ZONE ACTIVATE/QUERY(16) layout, libzbc (default) | zbc2r12 (sg_z_act_query)',
    )
    .option('--interface <kind>', 'sas | sata (vendor ATA, ATA PASS-THROUGH with ZAC; default sas)')
    .option(
      '--zone-size <size>',
      'zone size, a power of two, e.g. 256MiB (scsi_debug zone_size_mb)',
    )
    .option(
      '--zone-capacity <size>',
      'zone capacity; below the zone size adds gap zones (zone_cap_mb)',
    )
    .option('--conventional-zones <n>', 'conventional zones at LBA 0 (zone_nr_conv)')
    .option('--max-open <n>', 'max open zones, or "unlimited" (zone_max_open)')
    .option('--urswrz', 'unrestricted reads of sequential zones (default)')
    .option('--no-urswrz', 'reads past the write pointer fail')
    .option('--read-only-zones <list>', 'comma-separated zone indexes that start READ ONLY')
    .option('--offline-zones <list>', 'comma-separated zone indexes that start OFFLINE')
    .option('--format', 're-create the zone metadata (all zones empty)')
    .option('--read-only', 'write-protect the LUN')
    .option('--serial <text>', 'unit serial number')
    .option('--vendor <text>', 'INQUIRY vendor identification (8 characters)')
    .option('--product <text>', 'INQUIRY product identification (16 characters)')
    .option('--chap-user <name>', 'CHAP: the initiator must log in with this user')
    .option('--chap-secret <secret>', 'CHAP secret for --chap-user')
    .option('--mutual-chap-user <name>', 'mutual CHAP: the target answers as this user')
    .option('--mutual-chap-secret <secret>', 'mutual CHAP secret')
    .option(
      '--initiator <iqn>',
      'allow only this initiator (repeatable)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--queue-depth <n>', 'commands in flight per session (CmdSN window)')
    .option(
      '--admin <host:port>',
      `control server: zone map, metrics, fault API (npm start: ${DEFAULT_ADMIN})`,
    )
    .option('--no-admin', 'no control server')
    .option(
      '--admin-token <token>',
      'control server bearer token (required off loopback; or ZBC_ADMIN_TOKEN)',
    )
    .option(
      '--trace <file.pcap>',
      'write iSCSI traffic as a pcap (headers only unless --trace-data)',
    )
    .option('--trace-data', 'include data segments in the trace')
    .option('--trace-max-bytes <size>', 'rotate the trace file at this size (keeps 4 files)')
    .addHelpText(
      'after',
      [
        '',
        `Sizes accept 512, 4KiB, 256M (binary) and 20TB (decimal). Without flags: profile "default", in memory, on ${DEFAULT_LISTEN}.`,
        'A backing file keeps data across restarts; zone state lives in <file>.zbcmeta (a geometry change needs --format).',
        'Config file (several targets and LUNs; same names as the flags, sizes as strings):',
        '  { "listen": "127.0.0.1:3260", "targets": [ { "name": "iqn.2026-11.dev.zbc-target:smr",',
        '      "chap": { "user": "u", "secret": "secret123456" }, "initiators": ["iqn.1993-08.org.debian:01:host"],',
        '      "luns": [ { "lun": 0, "backing": "smr.img", "profile": "hm-20tb" },',
        '                { "lun": 1, "memory": true, "model": "none", "capacity": "1GiB" } ] } ] }',
        'Logs: DEBUG=zbc:* zbc-target ...',
      ].join('\n'),
    )
    .allowExcessArguments(false)
    .exitOverride();
  return program;
}

type Options = Record<string, string | boolean | string[] | undefined>;
const LUN_FLAGS = [
  'lun',
  'backing',
  'memory',
  'capacity',
  'blockSize',
  'physicalBlockSize',
  'profile',
  'model',
  'interface',
  'activateLayout',
  'zoneSize',
  'zoneCapacity',
  'conventionalZones',
  'maxOpen',
  'urswrz',
  'readOnlyZones',
  'offlineZones',
  'format',
  'readOnly',
  'serial',
  'vendor',
  'product',
  'iqn',
  'alias',
  'chapUser',
  'chapSecret',
  'mutualChapUser',
  'mutualChapSecret',
  'initiator',
] as const;
const kebab = (k: string): string => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

function str(o: Options, key: string): string | undefined {
  const v = o[key];
  return typeof v === 'string' ? v : undefined;
}

function rawFromFlags(o: Options): RawConfig {
  const lun: RawLun = {
    lun: str(o, 'lun') !== undefined ? int('--lun', str(o, 'lun') as string, 0, 255) : 0,
  };
  const set = <K extends keyof RawLun>(key: K, value: RawLun[K] | undefined): void => {
    if (value !== undefined) lun[key] = value;
  };
  set('backing', str(o, 'backing'));
  if (o.memory === true) lun.memory = true;
  set('capacity', str(o, 'capacity'));
  const bs = str(o, 'blockSize');
  if (bs !== undefined) set('blockSize', int('--block-size', bs, 1, 65536));
  const pbs = str(o, 'physicalBlockSize');
  if (pbs !== undefined) set('physicalBlockSize', int('--physical-block-size', pbs, 1, 1 << 20));
  set('profile', str(o, 'profile'));
  const model = str(o, 'model');
  if (model !== undefined) {
    const models = ['host-managed', 'host-aware', 'none', 'zone-domains'];
    if (!models.includes(model)) {
      flagError(
        '--model',
        `must be host-managed, host-aware, none or zone-domains, not "${model}"`,
      );
    }
    set('model', model as RawLun['model']);
  }
  const activateLayout = str(o, 'activateLayout');
  if (activateLayout !== undefined) {
    if (activateLayout !== 'libzbc' && activateLayout !== 'zbc2r12') {
      flagError('--activate-layout', `must be libzbc or zbc2r12, not "${activateLayout}"`);
    }
    set('activateLayout', activateLayout);
  }
  const face = str(o, 'interface');
  if (face !== undefined) {
    if (face !== 'sas' && face !== 'sata')
      flagError('--interface', `must be sas or sata, not "${face}"`);
    set('interface', face as RawLun['interface']);
  }
  set('zoneSize', str(o, 'zoneSize'));
  set('zoneCapacity', str(o, 'zoneCapacity'));
  const conv = str(o, 'conventionalZones');
  if (conv !== undefined)
    set('conventionalZones', int('--conventional-zones', conv, 0, 0xffff_ffff));
  const maxOpen = str(o, 'maxOpen');
  if (maxOpen !== undefined)
    set(
      'maxOpen',
      maxOpen === 'unlimited' ? 'unlimited' : int('--max-open', maxOpen, 1, 0xffff_fffe),
    );
  if (typeof o.urswrz === 'boolean') lun.urswrz = o.urswrz;
  const ro = str(o, 'readOnlyZones');
  if (ro !== undefined) set('readOnlyZones', intList('--read-only-zones', ro));
  const off = str(o, 'offlineZones');
  if (off !== undefined) set('offlineZones', intList('--offline-zones', off));
  if (o.format === true) lun.format = true;
  if (o.readOnly === true) lun.readOnly = true;
  set('serial', str(o, 'serial'));
  set('vendor', str(o, 'vendor'));
  set('product', str(o, 'product'));

  const chapUser = str(o, 'chapUser');
  const chapSecret = str(o, 'chapSecret');
  if ((chapUser === undefined) !== (chapSecret === undefined)) {
    flagError(
      chapUser === undefined ? '--chap-user' : '--chap-secret',
      `is required with ${chapUser === undefined ? '--chap-secret' : '--chap-user'}`,
    );
  }
  const mUser = str(o, 'mutualChapUser');
  const mSecret = str(o, 'mutualChapSecret');
  if ((mUser === undefined) !== (mSecret === undefined)) {
    flagError(
      mUser === undefined ? '--mutual-chap-user' : '--mutual-chap-secret',
      `is required with ${mUser === undefined ? '--mutual-chap-secret' : '--mutual-chap-user'}`,
    );
  }
  const initiators = o.initiator;
  const target: RawConfig['targets'][number] = {
    name: str(o, 'iqn') ?? DEFAULT_IQN,
    luns: [lun],
    ...(str(o, 'alias') !== undefined ? { alias: str(o, 'alias') as string } : {}),
    ...(chapUser !== undefined && chapSecret !== undefined
      ? { chap: { user: chapUser, secret: chapSecret } }
      : {}),
    ...(mUser !== undefined && mSecret !== undefined
      ? { mutualChap: { user: mUser, secret: mSecret } }
      : {}),
    ...(Array.isArray(initiators) ? { initiators } : {}),
  };
  return { targets: [target] };
}

function profileList(): string {
  const rows = listProfiles().map((p) => {
    const l = p.layout;
    const cap = formatSize(l.capacityBlocks * l.blockSize);
    return `${p.name.padEnd(12)} ${l.model.padEnd(12)} ${`${l.blockSize}/${l.physicalBlockSize}`.padEnd(9)} ${cap.padEnd(10)} ${p.description}`;
  });
  return `${'name'.padEnd(12)} ${'model'.padEnd(12)} ${'blocks'.padEnd(9)} ${'capacity'.padEnd(10)} description\n${rows.join('\n')}\n`;
}

export const DEFAULT_ADMIN = '127.0.0.1:3280';

/** --admin, --admin-token, --trace*: the same with or without --config. */
function withAdminFlags(config: ResolvedConfig, o: Options): ResolvedConfig {
  let next = config;
  const adminText = str(o, 'admin');
  const token = str(o, 'adminToken') ?? process.env.ZBC_ADMIN_TOKEN;
  if (adminText !== undefined) {
    const l = parseListen(adminText);
    if ('error' in l) flagError('--admin', l.error);
    if (token === undefined && !isLoopbackHost(l.host)) {
      const why = `is required when --admin is not a loopback address (${adminText})`;
      flagError('--admin-token', why);
    }
    next = { ...next, admin: { ...l, ...(token !== undefined ? { token } : {}) } };
  } else if (str(o, 'adminToken') !== undefined) {
    flagError('--admin-token', 'needs --admin');
  }
  const trace = str(o, 'trace');
  const maxText = str(o, 'traceMaxBytes');
  if (trace === undefined && (o.traceData === true || maxText !== undefined)) {
    flagError(o.traceData === true ? '--trace-data' : '--trace-max-bytes', 'needs --trace');
  }
  if (trace !== undefined) {
    let maxBytes: number | undefined;
    if (maxText !== undefined) {
      const size = parseSize(maxText);
      if (typeof size !== 'number') flagError('--trace-max-bytes', size.error);
      maxBytes = size;
    }
    const data = o.traceData === true;
    next = {
      ...next,
      trace: { file: trace, data, ...(maxBytes !== undefined ? { maxBytes } : {}) },
    };
  }
  return next;
}

/** Parses argv (without node and script). Never exits the process itself. */
export function parseCli(argv: readonly string[], cwd: string = process.cwd()): CliResult {
  const program = buildProgram();
  let stdout = '';
  let stderr = '';
  program.configureOutput({
    writeOut: (s) => (stdout += s),
    writeErr: (s) => (stderr += s),
    outputError: () => {}, // reported below as one line
  });
  try {
    program.parse([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.help')
        return { kind: 'exit', code: 0, stdout, stderr };
      const line = e.message.replace(/^error: /, '').split('\n')[0] ?? e.message;
      return { kind: 'exit', code: USAGE_EXIT_CODE, stdout, stderr: `zbc-target: ${line}\n` };
    }
    throw e;
  }
  const o = program.opts<Options>();
  if (o.listProfiles === true) return { kind: 'exit', code: 0, stdout: profileList(), stderr };
  try {
    let config: ResolvedConfig;
    const configFile = str(o, 'config');
    if (configFile !== undefined) {
      const clash = LUN_FLAGS.find((k) => o[k] !== undefined);
      if (clash)
        flagError(kebab(clash), 'cannot be combined with --config (set it in the config file)');
      config = loadConfigFile(configFile);
    } else {
      config = resolveConfig(rawFromFlags(o), { baseDir: cwd, namer: flagNamer });
    }
    const listenText = str(o, 'listen');
    if (listenText !== undefined) {
      const l = parseListen(listenText);
      if ('error' in l) flagError('--listen', l.error);
      config = { ...config, listen: l };
    }
    const qd = str(o, 'queueDepth');
    if (qd !== undefined) config = { ...config, queueDepth: int('--queue-depth', qd, 1, 1024) };
    config = withAdminFlags(config, o);
    return { kind: 'run', config };
  } catch (e) {
    if (e instanceof FlagError || e instanceof ConfigError) {
      return { kind: 'exit', code: USAGE_EXIT_CODE, stdout, stderr: `zbc-target: ${e.message}\n` };
    }
    throw e;
  }
}
