import { describe, expect, it } from 'vitest';
import { formatSummary, summarizeCpuProfile } from '../../bench/cpu-profile-summary.js';

const frame = (functionName: string, url = '', lineNumber = 0) => ({
  functionName,
  url,
  lineNumber,
  scriptId: '0',
  columnNumber: 0,
});

// 10 samples over 10 ms: 6 in parse (line 41 of a repo file), 3 idle, 1 in GC.
const profile = {
  nodes: [
    { id: 1, callFrame: frame('(root)') },
    { id: 2, callFrame: frame('parse', 'file:///repo/transport/pdu/bhs.js', 40) },
    { id: 3, callFrame: frame('(idle)') },
    { id: 4, callFrame: frame('(garbage collector)') },
  ],
  startTime: 0,
  endTime: 10_000,
  samples: [2, 2, 3, 2, 2, 3, 4, 2, 3, 2],
};

describe('summarizeCpuProfile', () => {
  it('ranks functions by self time and reports the busy share', () => {
    const s = summarizeCpuProfile(profile, 2, '/repo');
    expect(s.totalMs).toBe(10);
    expect(s.busyShare).toBeCloseTo(0.7);
    expect(s.top).toEqual([
      { name: 'parse', where: 'transport/pdu/bhs.js:41', share: 0.6, ms: 6 },
      { name: '(idle)', where: '', share: 0.3, ms: 3 },
    ]);
    expect(formatSummary(s)).toContain('| 60.0 | 6 | parse | transport/pdu/bhs.js:41 |');
  });

  it('rejects a file that is not a CPU profile', () => {
    expect(() => summarizeCpuProfile({ nodes: 'x' })).toThrow();
  });
});
