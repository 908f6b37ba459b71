import { describe, expect, it } from 'vitest';
import {
  FaultRuleError,
  parseFaultRule,
  SENSE_PRESETS,
  senseOf,
} from '../../../../src/admin/fault-rules.js';
import { resolveConfig } from '../../../../src/config.js';

function refusal(input: unknown): string {
  try {
    parseFaultRule(input);
  } catch (e) {
    expect(e).toBeInstanceOf(FaultRuleError);
    return (e as Error).message;
  }
  throw new Error('accepted');
}

const ATA_BAD = 'must be an ATA command number 0 to 255 or name, e.g. "WRITE DMA EXT"';

describe('fault rules', () => {
  it('ataCommand: a COMMAND register value, or a served command by name in any case', () => {
    const stall = { type: 'stall' } as const;
    expect(parseFaultRule({ action: stall, ataCommand: 0xef }).ataCommand).toBe(0xef);
    expect(parseFaultRule({ action: stall, ataCommand: ' flush cache ext' }).ataCommand).toBe(
      'FLUSH CACHE EXT',
    );
  });

  it('serviceAction: 16 bits for a variable-length CDB (7Fh), 5 bits for any other opcode', () => {
    const stall = { type: 'stall' } as const;
    // ZONE ACTIVATE(32) and ATA PASS-THROUGH(32): the views carry CDB bytes 8-9 (SPC-5 4.2.3).
    const activate = parseFaultRule({ action: stall, opcode: 0x7f, serviceAction: 0xf800 });
    expect(activate.serviceAction).toBe(0xf800);
    expect(refusal({ action: stall, opcode: 0x95, serviceAction: 32 })).toBe(
      'serviceAction: must be 0 to 31 unless opcode is 127 (0x7F), then 0 to 65535',
    );
    expect(refusal({ action: stall, serviceAction: 0x1ff0 })).toContain('serviceAction: ');
  });

  it('accepts presets, custom sense, statuses, latency, stall and drop', () => {
    const rules = [
      {
        action: { type: 'sense', preset: 'unrecovered-read-error' },
        class: 'read',
        lba: { first: 10, last: 20 },
      },
      { action: { type: 'sense', key: 3, asc: 0x11, ascq: 4 }, zone: 7, times: 2 },
      { action: { type: 'status', status: 'task-set-full' }, after: 3, probability: 0.5, seed: 9 },
      { action: { type: 'latency', minMs: 5, maxMs: 9 }, class: 'write' },
      { action: { type: 'stall' }, opcode: 0x28, initiator: 'iqn.2000-01.x:y' },
      { action: { type: 'drop-connection' }, lun: 1, id: 'drop-1' },
    ];
    for (const r of rules) expect(parseFaultRule(r).action.type).toBe(r.action.type);
  });

  it('maps presets to their sense triples', () => {
    expect(senseOf({ type: 'sense', preset: 'unrecovered-read-error' })).toMatchObject({
      key: 3,
      asc: 0x11,
      ascq: 0,
    });
    expect(senseOf({ type: 'sense', preset: 'write-error' })).toMatchObject({
      key: 3,
      asc: 0x0c,
      ascq: 0,
    });
    expect(senseOf({ type: 'sense', preset: 'not-ready' })).toMatchObject({
      key: 2,
      asc: 0x04,
      ascq: 1,
    });
    expect(SENSE_PRESETS['internal-target-failure']).toMatchObject({ key: 4, asc: 0x44, ascq: 0 });
    expect(senseOf({ type: 'sense', key: 1, asc: 2, ascq: 3 })).toEqual({
      key: 1,
      asc: 2,
      ascq: 3,
    });
  });

  it.each([
    [
      { action: { type: 'sense', preset: 'bogus' } },
      /^action\.preset: must be one of unrecovered-read-error/,
    ],
    [{ action: { type: 'sense', key: 3, asc: 0x11 } }, 'action.ascq: is required without a preset'],
    [
      { action: { type: 'sense', preset: 'write-error', key: 3 } },
      'action.preset: conflicts with key/asc/ascq',
    ],
    [{ action: { type: 'sense', key: 16, asc: 0, ascq: 0 } }, 'action.key: must be 0 to 15'],
    [
      { action: { type: 'explode' } },
      'action.type: must be sense, status, latency, stall or drop-connection',
    ],
    [{ action: { type: 'latency' } }, 'action.ms: is required'],
    [{ action: { type: 'latency', minMs: 9, maxMs: 5 } }, 'action.maxMs: must not be below minMs'],
    [{ action: { type: 'status', status: 'good' } }, /^action\.status: /],
    [
      { action: { type: 'stall' }, lba: { first: 9, last: 3 } },
      'lba.last: must not be below lba.first',
    ],
    [{ action: { type: 'stall' }, class: 'reads' }, 'class: must be read, write, zone or all'],
    [{ action: { type: 'stall' }, probability: 0 }, 'probability: must be above 0'],
    [{ action: { type: 'stall' }, times: 0 }, /^times: must be 1 to /],
    [{ action: { type: 'stall' }, colour: 'red' }, 'unknown field "colour"'],
    [{ class: 'read' }, 'action: is required'],
    [{ action: { type: 'stall' }, lun: 'one' }, 'lun: must be a number'],
    [{ action: { type: 'stall' }, ataCommand: 'WRITE DMA' }, `ataCommand: ${ATA_BAD}`],
    [{ action: { type: 'stall' }, ataCommand: 256 }, `ataCommand: ${ATA_BAD}`],
    [{ action: { type: 'stall' }, ataCommand: 1.5 }, `ataCommand: ${ATA_BAD}`],
    [{ action: { type: 'stall' }, ataCommand: true }, `ataCommand: ${ATA_BAD}`],
  ])('refuses %j naming the field', (input, expected) => {
    const message = refusal(input);
    if (typeof expected === 'string') expect(message).toContain(expected);
    else expect(message).toMatch(expected);
    expect(message.includes('\n')).toBe(false);
  });

  it('a config file section arms the same rules, and a bad one is one line naming the field', () => {
    const base = { targets: [{ name: 'iqn.2026-01.test:t', luns: [{ lun: 0, memory: true }] }] };
    const ok = resolveConfig(
      { ...base, faults: [{ action: { type: 'sense', preset: 'write-error' }, class: 'write' }] },
      { baseDir: '.' },
    );
    expect(ok.faults?.[0]?.action).toEqual({ type: 'sense', preset: 'write-error' });
    expect(() =>
      resolveConfig(
        {
          ...base,
          faults: [{ action: { type: 'latency' } }, { action: { type: 'sense', preset: 'nope' } }],
        },
        { baseDir: '.' },
      ),
    ).toThrow(/^config: faults\[0\]\.action\.ms: /);
    expect(() =>
      resolveConfig(
        { ...base, faults: [{ action: { type: 'sense', preset: 'nope' } }] },
        { baseDir: '.' },
      ),
    ).toThrow(/^config: faults\[0\]\.action\.preset: must be one of/);
  });
});
