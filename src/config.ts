// Configuration: one JSON file (several targets, several LUNs) or the CLI flags, both turned into
// the same raw shape, checked with zod, then resolved against a drive profile into the exact
// ZoneLayoutConfig each LUN gets. Every error is ONE line naming the field
// (`config: targets[0].luns[1].zoneSize: must be a power of two`) or, for flags, the flag.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { z } from 'zod';
import { iscsiNameProblem } from '../transport/login/iscsi-name.js';
import { DomainMap } from '../zbc/domains/domain-map.js';
import { validateLayout } from '../zbc/geometry.js';
import type { ZoneLayoutConfig, ZonedModel } from '../zbc/types.js';
import type { AdminListen } from './admin/control-plane.js';
import { type FaultRule, faultRuleSchema } from './admin/fault-rules.js';
import type { TraceOptions } from './admin/wire-trace.js';
import { findProfile, listProfiles } from './profiles.js';
import { formatSize, parseSize } from './sizes.js';
import { errnoOf } from './storage/errno.js';

export const DEFAULT_IQN = 'iqn.2026-11.dev.zbc-target:default';
export const DEFAULT_LISTEN = '127.0.0.1:3260';
const DEFAULT_PORT = 3260;

export type ConfigPath = readonly (string | number)[];

/** A configuration mistake; `message` is one line naming the field (or flag). */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(
    message: string,
    readonly path: ConfigPath,
    readonly detail: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

// ---- raw shape (zod) ----------------------------------------------------------------------

const size = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const r = parseSize(v);
  if (typeof r === 'number') return r;
  ctx.addIssue({ code: z.ZodIssueCode.custom, message: r.error });
  return z.NEVER;
});
const count = z.number().int('must be an integer').nonnegative('must not be negative');
/**
 * RFC 7143 §12.1.3 (CHAP considerations): a secret of fewer than 96 random bits is allowed only
 * under IPsec, which this target does not offer; 12 bytes is the shortest that can carry 96 bits.
 */
export const MIN_CHAP_SECRET_BYTES = 12;
const secret = z
  .object({
    user: z.string().min(1, 'must not be empty'),
    secret: z
      .string()
      .min(1, 'must not be empty')
      .refine((s) => Buffer.byteLength(s) >= MIN_CHAP_SECRET_BYTES, {
        message:
          `must be at least ${MIN_CHAP_SECRET_BYTES} bytes ` +
          '(96 bits; RFC 7143 12.1.3 allows less only under IPsec)',
      }),
  })
  .strict();
const printable = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .regex(/^[\x20-\x7e]*$/, 'must be printable ASCII');

const lunSchema = z
  .object({
    lun: z
      .number()
      .int('must be an integer')
      .min(0, 'must be 0 to 255')
      .max(255, 'must be 0 to 255'),
    backing: z.string().min(1, 'must not be empty').optional(),
    memory: z.boolean().optional(),
    capacity: size.optional(),
    blockSize: z.number().int('must be an integer').optional(),
    physicalBlockSize: z.number().int('must be an integer').optional(),
    profile: z.string().optional(),
    model: z
      .enum(['host-managed', 'host-aware', 'none', 'zone-domains'], {
        errorMap: () => ({ message: 'must be host-managed, host-aware, none or zone-domains' }),
      })
      .optional(),
    activateLayout: z
      .enum(['libzbc', 'zbc2r12'], {
        errorMap: () => ({ message: 'must be libzbc or zbc2r12' }),
      })
      .optional(),
    interface: z
      .enum(['sas', 'sata'], {
        errorMap: () => ({ message: 'must be sas or sata' }),
      })
      .optional(),
    zoneSize: size.optional(),
    zoneCapacity: size.optional(),
    conventionalZones: count.optional(),
    maxOpen: z
      .union(
        [
          z.number().int('must be an integer').positive('must be at least 1'),
          z.literal('unlimited'),
          z.null(),
        ],
        {
          errorMap: () => ({ message: 'must be a positive integer or "unlimited"' }),
        },
      )
      .optional(),
    urswrz: z.boolean().optional(),
    readOnlyZones: z.array(count).optional(),
    offlineZones: z.array(count).optional(),
    serial: printable(20).min(1, 'must not be empty').optional(),
    vendor: printable(8).optional(),
    product: printable(16).optional(),
    readOnly: z.boolean().optional(),
    format: z.boolean().optional(),
  })
  .strict();

const iqn = z
  .string()
  .regex(
    /^(iqn\.\d{4}-\d{2}\.[^\s]+|eui\.[0-9A-Fa-f]{16}|naa\.[0-9A-Fa-f]{16,32})$/,
    'must be an iqn., eui. or naa. name (RFC 3720 3.2.6)',
  )
  .max(223, 'must be at most 223 bytes')
  // Initiators send the name in RFC 3722 normalized form; one we could never match is refused here.
  .superRefine((name, ctx) => {
    const problem = iscsiNameProblem(name);
    if (problem) {
      const message = `is not a valid iSCSI name: ${problem}`;
      ctx.addIssue({ code: z.ZodIssueCode.custom, message });
    }
  });

const targetSchema = z
  .object({
    name: iqn,
    alias: z.string().optional(),
    chap: secret.optional(),
    mutualChap: secret.optional(),
    initiators: z.array(z.string().min(1, 'must not be empty')).optional(),
    luns: z.array(lunSchema).min(1, 'must list at least one LUN'),
  })
  .strict();

const configSchema = z
  .object({
    listen: z.string().optional(),
    queueDepth: z
      .number()
      .int('must be an integer')
      .min(1, 'must be 1 to 1024')
      .max(1024, 'must be 1 to 1024')
      .optional(),
    targets: z.array(targetSchema).min(1, 'must list at least one target'),
    /** Fault rules armed at start (the control API's rule format, docs/admin-api.md). */
    faults: z.array(faultRuleSchema).optional(),
  })
  .strict();

export type RawLun = z.input<typeof lunSchema>;
export type RawTarget = z.input<typeof targetSchema>;
export type RawConfig = z.input<typeof configSchema>;
type ParsedLun = z.output<typeof lunSchema>;
type ParsedTarget = z.output<typeof targetSchema>;

// ---- resolved shape ----------------------------------------------------------------------

export type LunStorage =
  | { readonly kind: 'memory' }
  | { readonly kind: 'file'; readonly path: string; readonly format: boolean };

export interface ResolvedLun {
  readonly lun: number;
  readonly storage: LunStorage;
  /** Full layout; model 'none' for a conventional (non-zoned) LUN. */
  readonly layout: ZoneLayoutConfig;
  readonly serial: string;
  readonly vendor?: string;
  readonly product?: string;
  readonly readOnly: boolean;
  readonly profile: string;
  /** Zone domains LUs: the ZONE ACTIVATE/QUERY(16) CDB and results layout. */
  readonly activateLayout?: 'libzbc' | 'zbc2r12';
  /** 'sata': the SCSI face of a SATA drive behind a SATL (vendor ATA, ATA PASS-THROUGH). */
  readonly interface: LunInterface;
}

export type LunInterface = 'sas' | 'sata';

export interface ResolvedTarget {
  readonly name: string;
  readonly alias?: string;
  readonly chap?: { readonly user: string; readonly secret: string };
  readonly mutualChap?: { readonly user: string; readonly secret: string };
  readonly initiators?: readonly string[];
  readonly luns: readonly ResolvedLun[];
}

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

export interface ResolvedConfig {
  readonly listen: ListenAddress;
  readonly queueDepth?: number;
  readonly targets: readonly ResolvedTarget[];
  readonly faults?: readonly FaultRule[];
  /** The control server (--admin); absent: none. */
  readonly admin?: AdminListen;
  /** A wire trace from the start (--trace). */
  readonly trace?: TraceOptions;
}

/** How errors name a field: config paths, or CLI flags. */
export type FieldNamer = (path: ConfigPath) => string;

export const configPathNamer: FieldNamer = (path) =>
  `config: ${path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || '(top level)'}`;

export interface ResolveOptions {
  /** Relative backing paths resolve against it (the config file's folder, or the cwd). */
  readonly baseDir: string;
  readonly namer?: FieldNamer;
}

function fail(namer: FieldNamer, path: ConfigPath, detail: string): never {
  throw new ConfigError(`${namer(path)}: ${detail}`, path, detail);
}

/** `HOST:PORT`, `[v6]:PORT`, `HOST` (port 3260). */
export function parseListen(text: string): ListenAddress | { error: string } {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::(\d+))?$/.exec(text.trim());
  if (!m) return { error: `not HOST:PORT: "${text}" (IPv6 in brackets, e.g. [::1]:3260)` };
  const port = m[3] === undefined ? DEFAULT_PORT : Number(m[3]);
  if (!Number.isInteger(port) || port > 65535)
    return { error: `port ${m[3]} is out of range (0-65535)` };
  return { host: (m[1] ?? m[2]) as string, port };
}

/** Stable default unit serial number: derived from the target name and LUN (16 hex digits). */
export function defaultSerial(targetName: string, lun: number): string {
  return createHash('sha256')
    .update(`${targetName}/${lun}`)
    .digest('hex')
    .slice(0, 16)
    .toUpperCase();
}

/** zbc's validateLayout names ZoneLayoutConfig fields; map them onto config keys. */
const LAYOUT_TO_CONFIG: Readonly<Record<string, string>> = {
  blockSize: 'blockSize',
  physicalBlockSize: 'physicalBlockSize',
  capacityBlocks: 'capacity',
  model: 'model',
  zoneSizeBlocks: 'zoneSize',
  zoneCapacityBlocks: 'zoneCapacity',
  conventionalZones: 'conventionalZones',
  maxOpen: 'maxOpen',
  urswrz: 'urswrz',
  readOnlyZones: 'readOnlyZones',
  offlineZones: 'offlineZones',
};
const LAYOUT_WORDS: readonly [RegExp, string][] = [
  [/zoneSizeBlocks/g, 'the zone size'],
  [/zoneCapacityBlocks/g, 'the zone size'],
  [/blockSize/g, 'the block size'],
];

const DEFAULT_DOMAINS_PROFILE = 'zd-hybrid';

function domainProfiles(): string {
  return listProfiles()
    .filter((p) => p.layout.domains !== undefined)
    .map((p) => p.name)
    .join(', ');
}

function resolveLun(
  raw: ParsedLun,
  target: ParsedTarget,
  at: ConfigPath,
  opts: ResolveOptions,
): ResolvedLun {
  const namer = opts.namer ?? configPathNamer;
  const defaultProfile = raw.model === 'zone-domains' ? DEFAULT_DOMAINS_PROFILE : 'default';
  const profileName = raw.profile ?? defaultProfile;
  const profile = findProfile(profileName);
  if (!profile) {
    fail(
      namer,
      [...at, 'profile'],
      `unknown profile "${profileName}" (known: ${listProfiles()
        .map((p) => p.name)
        .join(', ')})`,
    );
  }
  const p = profile.layout;
  const blockSize = raw.blockSize ?? p.blockSize;
  const physicalBlockSize = raw.physicalBlockSize ?? Math.max(p.physicalBlockSize, blockSize);
  // zone-domains is a host-managed LU (PDT 14h) with the profile's domains and realms.
  const wantsDomains = raw.model === 'zone-domains' || (raw.model === undefined && p.domains);
  const domains = wantsDomains ? p.domains : undefined;
  if (raw.model === 'zone-domains' && domains === undefined) {
    const use = domainProfiles();
    fail(namer, [...at, 'profile'], `"${profileName}" has no zone domains (use ${use})`);
  }
  if (raw.activateLayout !== undefined && domains === undefined) {
    fail(namer, [...at, 'activateLayout'], 'only for model zone-domains');
  }
  const model: ZonedModel = raw.model === 'zone-domains' ? 'host-managed' : (raw.model ?? p.model);

  const inBlocks = (field: string, bytes: number): number => {
    if (bytes % blockSize !== 0)
      fail(
        namer,
        [...at, field],
        `${formatSize(bytes)} is not a multiple of the block size (${blockSize} bytes)`,
      );
    return bytes / blockSize;
  };
  if (blockSize !== 512 && blockSize !== 1024 && blockSize !== 2048 && blockSize !== 4096) {
    fail(namer, [...at, 'blockSize'], 'must be 512, 1024, 2048 or 4096');
  }
  const defaultCapacity =
    domains !== undefined && raw.zoneSize !== undefined
      ? new DomainMap(domains).zoneCount * raw.zoneSize
      : p.capacityBlocks * p.blockSize;
  const capacityBlocks = inBlocks('capacity', raw.capacity ?? defaultCapacity);
  if (capacityBlocks === 0) fail(namer, [...at, 'capacity'], 'must be more than 0');
  const profileZoneBytes = p.zoneSizeBlocks * p.blockSize;
  const zoneSizeBytes = raw.zoneSize ?? profileZoneBytes;
  // A profile without gaps keeps capacity = size when only the size is changed.
  const zoneCapBytes =
    raw.zoneCapacity ??
    (p.zoneCapacityBlocks === p.zoneSizeBlocks
      ? zoneSizeBytes
      : p.zoneCapacityBlocks * p.blockSize);
  const zoned = model !== 'none';
  const layout: ZoneLayoutConfig = {
    model,
    blockSize,
    physicalBlockSize,
    capacityBlocks,
    zoneSizeBlocks: zoned ? inBlocks('zoneSize', zoneSizeBytes) : 0,
    zoneCapacityBlocks: zoned ? inBlocks('zoneCapacity', zoneCapBytes) : 0,
    conventionalZones: zoned ? (raw.conventionalZones ?? p.conventionalZones) : 0,
    maxOpen:
      raw.maxOpen === 'unlimited' ? null : raw.maxOpen !== undefined ? raw.maxOpen : p.maxOpen,
    urswrz: raw.urswrz ?? p.urswrz,
    readOnlyZones: zoned ? (raw.readOnlyZones ?? p.readOnlyZones) : [],
    offlineZones: zoned ? (raw.offlineZones ?? p.offlineZones) : [],
    ...(domains !== undefined ? { domains } : {}),
  };
  if (zoned && zoneCapBytes > zoneSizeBytes) {
    fail(
      namer,
      [...at, 'zoneCapacity'],
      `${formatSize(zoneCapBytes)} is larger than the zone size (${formatSize(zoneSizeBytes)})`,
    );
  }
  const problem = validateLayout(layout);
  if (problem !== null) {
    const colon = problem.indexOf(':');
    const field = LAYOUT_TO_CONFIG[problem.slice(0, colon)] ?? problem.slice(0, colon);
    let detail = problem.slice(colon + 1).trim();
    for (const [re, word] of LAYOUT_WORDS) detail = detail.replace(re, word);
    fail(namer, [...at, field], detail);
  }

  if (raw.backing !== undefined && raw.memory === true)
    fail(namer, [...at, 'backing'], 'conflicts with memory (choose one)');
  const storage: LunStorage =
    raw.backing !== undefined
      ? { kind: 'file', path: resolvePath(opts.baseDir, raw.backing), format: raw.format ?? false }
      : { kind: 'memory' };
  return {
    lun: raw.lun,
    storage,
    layout,
    serial: raw.serial ?? defaultSerial(target.name, raw.lun),
    ...(raw.vendor !== undefined ? { vendor: raw.vendor } : {}),
    ...(raw.product !== undefined ? { product: raw.product } : {}),
    readOnly: raw.readOnly ?? false,
    profile: profileName,
    ...(domains !== undefined ? { activateLayout: raw.activateLayout ?? 'libzbc' } : {}),
    interface: raw.interface ?? 'sas',
  };
}

/** Validates a raw configuration object and resolves every LUN's layout. Throws ConfigError. */
export function resolveConfig(input: unknown, opts: ResolveOptions): ResolvedConfig {
  const namer = opts.namer ?? configPathNamer;
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (!issue) fail(namer, [], 'invalid');
    let detail = issue.message;
    if (issue.code === z.ZodIssueCode.unrecognized_keys)
      detail = `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    else if (issue.code === z.ZodIssueCode.invalid_type && issue.received === 'undefined')
      detail = 'is required';
    else if (issue.code === z.ZodIssueCode.invalid_type)
      detail = `must be ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}, not ${issue.received}`;
    fail(namer, issue.path, detail);
  }
  const cfg = parsed.data;
  let listen: ListenAddress = { host: '127.0.0.1', port: DEFAULT_PORT };
  if (cfg.listen !== undefined) {
    const l = parseListen(cfg.listen);
    if ('error' in l) fail(namer, ['listen'], l.error);
    listen = l;
  }
  const names = new Set<string>();
  const backings = new Map<string, string>();
  const targets = cfg.targets.map((t, ti): ResolvedTarget => {
    if (names.has(t.name.toLowerCase()))
      fail(namer, ['targets', ti, 'name'], `duplicate target name ${t.name}`);
    names.add(t.name.toLowerCase());
    if (t.mutualChap && !t.chap)
      fail(namer, ['targets', ti, 'mutualChap'], 'needs chap (the initiator authenticates first)');
    if (t.mutualChap && t.chap && t.mutualChap.secret === t.chap.secret) {
      // RFC 7143 §12.1.3: each direction has its own secret (else a reflected answer passes).
      const why = "must differ from the initiator's CHAP secret (RFC 7143 12.1.3)";
      fail(namer, ['targets', ti, 'mutualChap', 'secret'], why);
    }
    const lunNumbers = new Set<number>();
    const luns = t.luns.map((l, li) => {
      const at = ['targets', ti, 'luns', li] as const;
      if (lunNumbers.has(l.lun)) fail(namer, [...at, 'lun'], `duplicate LUN ${l.lun}`);
      lunNumbers.add(l.lun);
      const lun = resolveLun(l, t, at, opts);
      if (lun.storage.kind === 'file') {
        const other = backings.get(lun.storage.path);
        if (other)
          fail(namer, [...at, 'backing'], `${lun.storage.path} is already used by ${other}`);
        backings.set(lun.storage.path, namer(at).replace(/^config: /, ''));
      }
      return lun;
    });
    return {
      name: t.name,
      ...(t.alias !== undefined ? { alias: t.alias } : {}),
      ...(t.chap ? { chap: t.chap } : {}),
      ...(t.mutualChap ? { mutualChap: t.mutualChap } : {}),
      ...(t.initiators ? { initiators: t.initiators } : {}),
      luns: [...luns].sort((a, b) => a.lun - b.lun),
    };
  });
  const faultIds = new Set<string>();
  cfg.faults?.forEach((f, i) => {
    if (f.id === undefined) return;
    if (faultIds.has(f.id)) fail(namer, ['faults', i, 'id'], `duplicate fault id ${f.id}`);
    faultIds.add(f.id);
  });
  return {
    listen,
    ...(cfg.queueDepth !== undefined ? { queueDepth: cfg.queueDepth } : {}),
    targets,
    ...(cfg.faults !== undefined ? { faults: cfg.faults } : {}),
  };
}

/** Reads and resolves a JSON config file; backing paths are relative to the file's folder. */
export function loadConfigFile(path: string): ResolvedConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`config: cannot read ${path}: ${errnoOf(e)}`, [], 'unreadable');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(
      `config: ${path} is not valid JSON: ${(e as Error).message.split('\n')[0]}`,
      [],
      'not JSON',
    );
  }
  return resolveConfig(json, { baseDir: dirname(resolvePath(path)) });
}
