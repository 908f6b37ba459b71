// The guest suite's verdict on a group of checks: a SKIP never counts as a pass.
import { describe, expect, it } from 'vitest';
import { groupVerdict } from '../../e2e/guest/group-verdict.js';
import type { Check } from '../../e2e/guest/run-guest.js';

const pass = (name: string): Check => ({ name, ok: true, skipped: false, detail: '' });
const skip = (name: string, why: string): Check => ({ name, ok: true, skipped: true, detail: why });
const fail = (name: string, detail: string): Check => ({ name, ok: false, skipped: false, detail });
const none = new Set<string>();

describe('guest group verdict', () => {
  it('a group made only of skips is skipped with the reasons, not passed', () => {
    const v = groupVerdict(
      [skip('read.a', 'no conventional zone'), skip('read.b', 'no gap')],
      'read',
      none,
    );
    expect(v).toEqual({
      kind: 'skipped',
      reason: 'every read.* check skipped: read.a: no conventional zone; read.b: no gap',
    });
  });

  it('a group with one real pass among skips passes and names the skips', () => {
    const v = groupVerdict([skip('read.a', 'no conventional zone'), pass('read.b')], 'read', none);
    expect(v).toEqual({ kind: 'passed', skipped: ['read.a: no conventional zone'] });
  });

  it('a failure fails the group whatever else it holds', () => {
    const v = groupVerdict(
      [pass('wp.a'), skip('wp.b', 'x'), fail('wp.c', 'expected 1, got 2')],
      'wp',
      none,
    );
    expect(v).toEqual({
      kind: 'failed',
      message: 'failed steps of wp:\n  wp.c: expected 1, got 2',
    });
  });

  it('a group that reported nothing fails', () => {
    expect(groupVerdict([pass('wp.a')], 'read', none).kind).toBe('failed');
  });

  it('an excused deviation is neither a failure nor a pass', () => {
    const excused = new Set(['full.a']);
    expect(groupVerdict([fail('full.a', 'x')], 'full', excused).kind).toBe('skipped');
    expect(groupVerdict([fail('full.a', 'x'), pass('full.b')], 'full', excused).kind).toBe(
      'passed',
    );
  });
});
