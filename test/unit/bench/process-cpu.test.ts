import { describe, expect, it } from 'vitest';
import { cpuNanoseconds, cpuNanosecondsOf } from '../../bench/process-cpu.js';

describe('cpuNanoseconds', () => {
  it('grows by at least the CPU this process burns', async () => {
    const before = await cpuNanoseconds(process.pid);
    const t0 = process.cpuUsage();
    let x = 0;
    while (process.cpuUsage(t0).user < 30_000) x += Math.sqrt(x + 1);
    const after = await cpuNanoseconds(process.pid);
    expect(x).toBeGreaterThan(0);
    expect(after - before).toBeGreaterThanOrEqual(20_000_000); // ns; schedstat is exact
  });

  it('is NaN for a process that does not exist', async () => {
    expect(await cpuNanoseconds(2 ** 31 - 1)).toBeNaN();
    expect(await cpuNanosecondsOf([process.pid, 2 ** 31 - 1])).toBeNaN();
  });
});
