// CPU time a process has used, all threads, with nanosecond resolution: the first field of
// /proc/PID/task/TID/schedstat (time spent on the CPU, ns). The benchmark reports a target's CPU
// per command because, unlike throughput, it barely moves when other work shares the machine.
import { readdir, readFile } from 'node:fs/promises';

/**
 * Sum of on-CPU nanoseconds of the live threads of `pid`; NaN when the process is gone or the
 * kernel keeps no schedstat (CONFIG_SCHED_INFO off), so the report shows a gap instead of a zero.
 */
export async function cpuNanoseconds(pid: number): Promise<number> {
  let tids: string[];
  try {
    tids = await readdir(`/proc/${pid}/task`);
  } catch {
    return Number.NaN;
  }
  let total = 0;
  let seen = 0;
  for (const tid of tids) {
    try {
      const text = await readFile(`/proc/${pid}/task/${tid}/schedstat`, 'utf8');
      total += Number(text.split(' ')[0]);
      seen++;
    } catch {
      // the thread ended between readdir and read
    }
  }
  return seen > 0 ? total : Number.NaN;
}

export async function cpuNanosecondsOf(pids: readonly number[]): Promise<number> {
  let total = 0;
  for (const pid of pids) total += await cpuNanoseconds(pid);
  return total;
}
