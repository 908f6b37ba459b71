// Fault rules: the one schema shared by the config file's `faults` section and the control API,
// the named sense presets, and the parse that turns a bad rule into one line naming the field.
import { z } from 'zod';
import { ATA_COMMAND_TABLE } from '../../scsi/commands/sat/ata-command-table.js';
import { VARIABLE_LENGTH } from '../../scsi/service-action.js';
import { SENSE, type SenseCode } from '../../sense-tables/index.js';

/** Named sense codes for `action.preset` (SPC-5 / SBC-4 sense keys and ASC/ASCQ). */
export const SENSE_PRESETS = {
  'unrecovered-read-error': SENSE.UNRECOVERED_READ_ERROR, // 3/11/00
  'write-error': SENSE.WRITE_ERROR, // 3/0C/00
  'not-ready': SENSE.LOGICAL_UNIT_IS_IN_PROCESS_OF_BECOMING_READY, // 2/04/01
  'medium-not-present': SENSE.MEDIUM_NOT_PRESENT, // 2/3A/00
  'internal-target-failure': SENSE.INTERNAL_TARGET_FAILURE, // 4/44/00
  'data-phase-error': SENSE.DATA_PHASE_ERROR, // B/4B/00
} as const satisfies Record<string, SenseCode>;
export type SensePreset = keyof typeof SENSE_PRESETS;
const PRESET_NAMES = Object.keys(SENSE_PRESETS) as [SensePreset, ...SensePreset[]];

const int = (min: number, max: number) =>
  z
    .number({ invalid_type_error: 'must be a number' })
    .int('must be an integer')
    .min(min, `must be ${min} to ${max}`)
    .max(max, `must be ${min} to ${max}`);
const byte = int(0, 255);
const lbaNumber = int(0, Number.MAX_SAFE_INTEGER);

/** The ATA commands a SATA LU serves, by name in lower case: a rule may spell them either way. */
const ATA_NAMES = new Map(ATA_COMMAND_TABLE.rows.map((row) => [row.name.toLowerCase(), row.name]));
const ATA_COMMAND_MESSAGE = 'must be an ATA command number 0 to 255 or name, e.g. "WRITE DMA EXT"';

/** A COMMAND register value as is, a served command's name as its row spells it, else undefined. */
function knownAtaCommand(v: number | string): number | string | undefined {
  if (typeof v === 'string') return ATA_NAMES.get(v.trim().toLowerCase());
  return Number.isInteger(v) && v >= 0 && v <= 255 ? v : undefined;
}

/**
 * `ataCommand`: the ATA command inside an ATA PASS-THROUGH, by COMMAND register (every FEATURE
 * subcommand) or by its row's name (one subcommand).
 */
const ataCommand = z
  .union([z.number(), z.string()], { errorMap: () => ({ message: ATA_COMMAND_MESSAGE }) })
  .transform((v, ctx) => {
    const known = knownAtaCommand(v);
    if (known !== undefined) return known;
    ctx.addIssue({ code: 'custom', message: ATA_COMMAND_MESSAGE });
    return z.NEVER;
  });

const senseAction = z
  .object({
    type: z.literal('sense'),
    preset: z
      .enum(PRESET_NAMES, {
        errorMap: () => ({ message: `must be one of ${PRESET_NAMES.join(', ')}` }),
      })
      .optional(),
    key: int(0, 15).optional(),
    asc: byte.optional(),
    ascq: byte.optional(),
  })
  .strict()
  .superRefine((a, ctx) => {
    const custom = [a.key, a.asc, a.ascq].filter((v) => v !== undefined).length;
    if (a.preset !== undefined && custom > 0) {
      ctx.addIssue({ code: 'custom', path: ['preset'], message: 'conflicts with key/asc/ascq' });
    } else if (a.preset === undefined && custom !== 3) {
      const missing = (['key', 'asc', 'ascq'] as const).find((k) => a[k] === undefined) ?? 'key';
      ctx.addIssue({ code: 'custom', path: [missing], message: 'is required without a preset' });
    }
  });

const latencyAction = z
  .object({
    type: z.literal('latency'),
    ms: int(0, 600_000).optional(),
    minMs: int(0, 600_000).optional(),
    maxMs: int(0, 600_000).optional(),
  })
  .strict()
  .superRefine((a, ctx) => {
    const range = a.minMs !== undefined || a.maxMs !== undefined;
    if (a.ms !== undefined && range) {
      ctx.addIssue({ code: 'custom', path: ['ms'], message: 'conflicts with minMs/maxMs' });
    } else if (a.ms === undefined && (a.minMs === undefined || a.maxMs === undefined)) {
      const path =
        a.minMs === undefined && a.maxMs === undefined
          ? 'ms'
          : a.minMs === undefined
            ? 'minMs'
            : 'maxMs';
      ctx.addIssue({ code: 'custom', path: [path], message: 'is required' });
    } else if (a.minMs !== undefined && a.maxMs !== undefined && a.maxMs < a.minMs) {
      ctx.addIssue({ code: 'custom', path: ['maxMs'], message: 'must not be below minMs' });
    }
  });

const actionSchema = z.discriminatedUnion(
  'type',
  [
    senseAction.innerType(),
    z.object({ type: z.literal('status'), status: z.enum(['busy', 'task-set-full']) }).strict(),
    latencyAction.innerType(),
    z.object({ type: z.literal('stall') }).strict(),
    z.object({ type: z.literal('drop-connection') }).strict(),
  ],
  {
    errorMap: (issue, ctx) =>
      issue.code === 'invalid_union_discriminator'
        ? { message: 'must be sense, status, latency, stall or drop-connection' }
        : { message: ctx.defaultError },
  },
);

/** One rule as written in a config file or sent to POST /api/faults. */
export const faultRuleSchema = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, "_", "." or "-"')
      .optional(),
    target: z.string().min(1, 'must not be empty').optional(),
    lun: byte.optional(),
    class: z
      .enum(['read', 'write', 'zone', 'all'], {
        errorMap: () => ({ message: 'must be read, write, zone or all' }),
      })
      .optional(),
    opcode: byte.optional(),
    // 16 bits for a variable-length CDB (SPC-5 4.2.3), 5 for any other opcode: checked below.
    serviceAction: int(0, 0xffff).optional(),
    ataCommand: ataCommand.optional(),
    lba: z.object({ first: lbaNumber, last: lbaNumber }).strict().optional(),
    zone: int(0, 0xffff_ffff).optional(),
    initiator: z.string().min(1, 'must not be empty').optional(),
    action: actionSchema,
    times: int(1, Number.MAX_SAFE_INTEGER).optional(),
    after: int(0, Number.MAX_SAFE_INTEGER).optional(),
    probability: z.number().gt(0, 'must be above 0').max(1, 'must be at most 1').optional(),
    seed: int(0, 0xffff_ffff).optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.serviceAction !== undefined && r.serviceAction > 31 && r.opcode !== VARIABLE_LENGTH) {
      ctx.addIssue({
        code: 'custom',
        path: ['serviceAction'],
        message: 'must be 0 to 31 unless opcode is 127 (0x7F), then 0 to 65535',
      });
    }
    if (r.lba !== undefined && r.lba.last < r.lba.first) {
      ctx.addIssue({
        code: 'custom',
        path: ['lba', 'last'],
        message: 'must not be below lba.first',
      });
    }
    // The object refinements of the action variants, which discriminatedUnion cannot carry.
    const refined =
      r.action.type === 'sense'
        ? senseAction
        : r.action.type === 'latency'
          ? latencyAction
          : undefined;
    const checked = refined?.safeParse(r.action);
    for (const issue of checked?.success === false ? checked.error.issues : []) {
      ctx.addIssue({ code: 'custom', path: ['action', ...issue.path], message: issue.message });
    }
  });

export type FaultRuleInput = z.input<typeof faultRuleSchema>;
export type FaultRule = z.output<typeof faultRuleSchema>;
export type FaultAction = FaultRule['action'];

/** A refused rule: `field` is its path (`action.preset`), `message` one line naming it. */
export class FaultRuleError extends Error {
  readonly code = 'FAULT_RULE_INVALID';
  constructor(
    readonly field: string,
    readonly detail: string,
  ) {
    super(`${field}: ${detail}`);
    this.name = 'FaultRuleError';
  }
}

/** `faults[0].action.preset` style, as config errors spell paths. */
export function fieldPath(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** One line for a zod issue: unknown fields by name, missing fields as "is required". */
export function issueDetail(issue: z.ZodIssue): string {
  if (issue.code === 'unrecognized_keys')
    return `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  if (issue.code === 'invalid_type' && issue.received === 'undefined') return 'is required';
  return issue.message;
}

export function parseFaultRule(input: unknown): FaultRule {
  const parsed = faultRuleSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0] as z.ZodIssue;
  throw new FaultRuleError(fieldPath(issue.path) || '(rule)', issueDetail(issue));
}

/** The sense code a sense action answers with. */
export function senseOf(action: Extract<FaultAction, { type: 'sense' }>): SenseCode {
  if (action.preset !== undefined) return SENSE_PRESETS[action.preset];
  return { key: action.key ?? 0, asc: action.asc ?? 0, ascq: action.ascq ?? 0 } as SenseCode;
}
