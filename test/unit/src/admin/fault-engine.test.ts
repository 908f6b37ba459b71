import { describe, expect, it, vi } from 'vitest';
import type { CommandView } from '../../../../scsi/ports/command-hook.js';
import { FaultEngine } from '../../../../src/admin/fault-engine.js';
import { matchRule, type ZoneRangeOf } from '../../../../src/admin/fault-match.js';
import { parseFaultRule } from '../../../../src/admin/fault-rules.js';

const TARGET = 'iqn.2026-01.test:t';
const ZONE_BLOCKS = 100;
const zones: ZoneRangeOf = (target, _lun, zone) =>
  target === TARGET && zone < 10
    ? { start: zone * ZONE_BLOCKS, end: (zone + 1) * ZONE_BLOCKS }
    : undefined;

function view(over: Partial<CommandView> = {}): CommandView {
  return {
    lun: 0,
    nexus: {
      initiatorName: 'iqn.2000-01.host:a',
      isid: '000000000001',
      targetName: TARGET,
      key: 'nexus-a',
    },
    opcode: 0x28,
    serviceAction: -1,
    commandClass: 'read',
    lba: 0,
    blocks: 8,
    ...over,
  };
}

const rule = (r: unknown) => parseFaultRule(r);
const WRITE_DMA_EXT = { command: 0x35, name: 'WRITE DMA EXT' };
const WCE_OFF = { command: 0xef, name: 'SET FEATURES (disable volatile write cache)' };
const sense = { type: 'sense', preset: 'unrecovered-read-error' } as const;

describe('matchRule', () => {
  it.each([
    ['class read, a read', { class: 'read' }, {}, 0],
    ['class read, a write', { class: 'read' }, { commandClass: 'write' as const }, null],
    [
      'class all, a zone op',
      { class: 'all' },
      { commandClass: 'zone' as const, lba: 200, blocks: 0 },
      200,
    ],
    ['opcode', { opcode: 0x88 }, {}, null],
    ['lun', { lun: 1 }, {}, null],
    ['target', { target: 'iqn.2026-01.test:other' }, {}, null],
    ['initiator', { initiator: 'iqn.2000-01.host:a' }, {}, 0],
    ['other initiator', { initiator: 'iqn.2000-01.host:b' }, {}, null],
    ['LBA range overlapping the end', { lba: { first: 5, last: 50 } }, { lba: 0, blocks: 8 }, 5],
    ['LBA range ending before', { lba: { first: 8, last: 50 } }, { lba: 0, blocks: 8 }, null],
    ['LBA range at its last block', { lba: { first: 8, last: 50 } }, { lba: 50, blocks: 4 }, 50],
    ['LBA range after', { lba: { first: 8, last: 50 } }, { lba: 51, blocks: 4 }, null],
    ['zone', { zone: 2 }, { lba: 196, blocks: 8 }, 200],
    ['zone, not reached', { zone: 2 }, { lba: 190, blocks: 10 }, null],
    [
      'zone op naming the zone',
      { zone: 2 },
      { commandClass: 'zone' as const, lba: 200, blocks: 0 },
      200,
    ],
    ['zone of no LU', { zone: 99 }, { lba: 0 }, null],
    ['ATA command by number', { ataCommand: 0x35 }, { ata: WRITE_DMA_EXT }, 0],
    ['ATA command by name', { ataCommand: 'write dma ext' }, { ata: WRITE_DMA_EXT }, 0],
    ['ATA command, another one', { ataCommand: 'READ DMA EXT' }, { ata: WRITE_DMA_EXT }, null],
    ['ATA command, another number', { ataCommand: 0x25 }, { ata: WRITE_DMA_EXT }, null],
    ['ATA command, a SCSI command', { ataCommand: 0x35 }, {}, null],
    ['SET FEATURES by number: any subcommand', { ataCommand: 0xef }, { ata: WCE_OFF }, 0],
    ['SET FEATURES subcommand by name', { ataCommand: WCE_OFF.name }, { ata: WCE_OFF }, 0],
    [
      'another SET FEATURES subcommand',
      { ataCommand: 'SET FEATURES (enable volatile write cache)' },
      { ata: WCE_OFF },
      null,
    ],
    [
      'range rule, a command without LBA',
      { lba: { first: 0, last: 9 } },
      { lba: -1, blocks: 0 },
      null,
    ],
  ])('%s', (_title, r, v, expected) => {
    expect(matchRule(rule({ ...r, action: sense }), view(v), zones)).toBe(expected);
  });
});

describe('FaultEngine', () => {
  const engine = (fired?: () => void) =>
    new FaultEngine({ zoneRange: zones, dropSession: vi.fn(), ...(fired ? { fired } : {}) });

  it('answers nothing with no rule armed', () => {
    expect(engine().before(view())).toBeUndefined();
  });

  it('sense with the first failing LBA as INFORMATION, once', () => {
    const e = engine();
    const f = e.add(rule({ action: sense, lba: { first: 4, last: 4 }, times: 1 }));
    expect(e.before(view())).toMatchObject({
      kind: 'sense',
      code: { key: 3, asc: 0x11, ascq: 0 },
      information: 4,
    });
    expect(e.before(view())).toBeUndefined();
    expect(e.get(f.id)).toMatchObject({ matches: 2, fired: 1, exhausted: true });
  });

  it('fires after N matches, N times', () => {
    const e = engine();
    e.add(rule({ action: { type: 'status', status: 'busy' }, after: 2, times: 2 }));
    const answers = Array.from({ length: 6 }, () => e.before(view()));
    expect(answers.map((a) => (a === undefined ? '-' : 'B')).join('')).toBe('--BB--');
  });

  it('a seeded probability fires on the same matches every time', () => {
    const run = () => {
      const e = engine();
      e.add(
        rule({ action: { type: 'status', status: 'task-set-full' }, probability: 0.3, seed: 42 }),
      );
      return Array.from({ length: 200 }, () => (e.before(view()) === undefined ? 0 : 1)).join('');
    };
    const first = run();
    expect(run()).toBe(first);
    const fired = [...first].filter((c) => c === '1').length;
    expect(fired).toBeGreaterThan(35);
    expect(fired).toBeLessThan(85);
  });

  it('latency adds up and then the command runs; a later error rule still answers', async () => {
    vi.useFakeTimers();
    try {
      const e = engine();
      e.add(rule({ action: { type: 'latency', ms: 30 } }));
      e.add(rule({ action: { type: 'latency', ms: 20 }, class: 'write' }));
      const read = e.before(view());
      expect(read).toBeInstanceOf(Promise);
      let settled = false;
      void (read as Promise<unknown>).then(() => (settled = true));
      await vi.advanceTimersByTimeAsync(29);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(settled).toBe(true);
      e.add(rule({ action: sense }));
      const failed = e.before(view());
      await vi.advanceTimersByTimeAsync(30);
      await expect(failed).resolves.toMatchObject({ kind: 'sense' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('a uniform latency stays in its range', async () => {
    vi.useFakeTimers();
    try {
      const e = engine();
      e.add(rule({ action: { type: 'latency', minMs: 10, maxMs: 20 }, seed: 1 }));
      for (let i = 0; i < 20; i++) {
        let done = false;
        void (e.before(view()) as Promise<unknown>).then(() => (done = true));
        await vi.advanceTimersByTimeAsync(9);
        expect(done).toBe(false);
        await vi.advanceTimersByTimeAsync(11);
        expect(done).toBe(true);
      }
    } finally {
      vi.useRealTimers();
    }
  });

  it('stalls until released, and clearing a rule releases too', async () => {
    const e = engine();
    const f = e.add(rule({ action: { type: 'stall' } }));
    const a = e.before(view()) as Promise<unknown>;
    const b = e.before(view()) as Promise<unknown>;
    expect(e.get(f.id)?.stalled).toBe(2);
    expect(e.release(f.id)).toBe(2);
    await expect(Promise.all([a, b])).resolves.toEqual([undefined, undefined]);
    const c = e.before(view()) as Promise<unknown>;
    expect(e.remove(f.id)).toBe(true);
    await expect(c).resolves.toBeUndefined();
    expect(e.size).toBe(0);
  });

  it('drop-connection drops the nexus of the matching command', () => {
    const dropSession = vi.fn();
    const e = new FaultEngine({ zoneRange: zones, dropSession });
    e.add(rule({ action: { type: 'drop-connection' }, class: 'write' }));
    expect(e.before(view())).toBeUndefined();
    expect(e.before(view({ commandClass: 'write' }))).toMatchObject({ kind: 'status' });
    expect(dropSession).toHaveBeenCalledWith('nexus-a');
  });

  it('counts firings for metrics, keeps ids unique and lists rules in order', () => {
    const fired = vi.fn();
    const e = engine(fired);
    e.add(rule({ id: 'a', action: { type: 'status', status: 'busy' }, class: 'write' }));
    expect(() => e.add(rule({ id: 'a', action: { type: 'stall' } }))).toThrow(/already exists/);
    e.add(rule({ action: { type: 'status', status: 'busy' } }));
    e.before(view());
    expect(fired).toHaveBeenCalledTimes(1);
    expect(e.list().map((f) => [f.id, f.matches, f.fired])).toEqual([
      ['a', 0, 0],
      ['f1', 1, 1],
    ]);
    expect(e.clear()).toBe(2);
  });
});
