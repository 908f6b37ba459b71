// CPU time a process has used, all threads, with nanosecond resolution: the first field of
// /proc/PID/task/TID/schedstat (time spent on the CPU, ns). The benchmark reports a target's CPU
// per command because, unlike throughput, it barely moves when other work shares the machine.
import { readdir, readFile } from 'node:fs/promises';

/** Sum of on-CPU nanoseconds of the live threads of `pid`; 0 when the process is gone. */
export async function cpuNanoseconds(pid: number): Promise<number> {
  let tids: string[];
  try {
    tids = await readdir(`/proc/${pid}/task`);
  } catch {
    return 0;
  }
  let total = 0;
  for (const tid of tids) {
    try {
      const text = await readFile(`/proc/${pid}/task/${tid}/schedstat`, 'utf8');
      total += Number(text.split(' ')[0] ?? 0);
    } catch {
      // the thread ended between readdir and read
    }
  }
  return total;
}

export async function cpuNanosecondsOf(pids: readonly number[]): Promise<number> {
  let total = 0;
  for (const pid of pids) total += await cpuNanoseconds(pid);
  return total;
}
