// What the report says about the run besides the numbers: the machine it ran on and, with
// --cpu-prof, where our target spent its CPU.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { formatSummary, summarizeCpuProfile } from './cpu-profile-summary.js';
import { repoRoot } from '../helpers/target-process.js';

function tryExec(cmd: string, cmdArgs: string[]): string {
  try {
    return execFileSync(cmd, cmdArgs, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return 'unknown';
  }
}

export function machineLine(loadAtStart: number): string {
  const cpu = cpus();
  const mem = (totalmem() / 2 ** 30).toFixed(0);
  const tgt = tryExec('tgtd', ['-V']);
  const libiscsi = tryExec('dpkg-query', ['-W', '-f', '${Version}', 'libiscsi7']);
  return (
    `${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${mem} GiB RAM, Linux ${release()}, ` +
    `Node.js ${process.version}, tgt ${tgt}, libiscsi ${libiscsi}; backing files in ${tmpdir()}; ` +
    `1-minute load average ${loadAtStart.toFixed(1)} at the start, ${(loadavg()[0] ?? Number.NaN).toFixed(1)} at the end`
  );
}

/** One summary per profile our target processes wrote (the plain LU's, the zoned LU's). */
export function profileSections(dir: string): string[] {
  if (!existsSync(dir)) return [`No CPU profile was written to ${dir}.`];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .flatMap((f) => {
      const summary = summarizeCpuProfile(
        JSON.parse(readFileSync(join(dir, f), 'utf8')),
        20,
        repoRoot,
      );
      return [
        `CPU profile of our target: ${join(dir, f).slice(repoRoot.length + 1)}`,
        '',
        formatSummary(summary),
        '',
      ];
    });
}
