// Summarises a V8 .cpuprofile (from `npm run bench -- --cpu-prof`, which runs our target under
// `node --cpu-prof`): the functions with the most self time, so docs/bench.md can say what costs
// the time. Command line: test/bench/summarize-cpu-profile.ts.
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const CallFrame = z.object({
  functionName: z.string(),
  url: z.string(),
  lineNumber: z.number(),
});
const ProfileNode = z.object({
  id: z.number(),
  callFrame: CallFrame,
  hitCount: z.number().optional(),
});
const CpuProfile = z.object({
  nodes: z.array(ProfileNode),
  startTime: z.number(),
  endTime: z.number(),
  samples: z.array(z.number()).optional(),
});

export interface HotFunction {
  readonly name: string;
  readonly where: string;
  /** Fraction of all samples (idle included). */
  readonly share: number;
  readonly ms: number;
}

export interface ProfileSummary {
  readonly totalMs: number;
  /** Fraction of samples not idle / GC / program: time in JavaScript and native calls. */
  readonly busyShare: number;
  readonly top: readonly HotFunction[];
}

export function summarizeCpuProfile(json: unknown, top = 25, root = ''): ProfileSummary {
  const profile = CpuProfile.parse(json);
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const hits = new Map<number, number>();
  if (profile.samples) for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  else for (const n of profile.nodes) hits.set(n.id, n.hitCount ?? 0);
  const totalHits = [...hits.values()].reduce((a, b) => a + b, 0) || 1;
  const byFunction = new Map<string, { name: string; where: string; hits: number }>();
  let idle = 0;
  for (const n of profile.nodes) {
    const h = hits.get(n.id) ?? 0;
    if (h === 0) continue;
    const { functionName, url, lineNumber } = n.callFrame;
    if (functionName === '(idle)') idle += h;
    const file = url.startsWith('file://') ? fileURLToPath(url) : url;
    const where = file ? `${root ? relative(root, file) : file}:${lineNumber + 1}` : '';
    const key = `${functionName}@${where}`;
    const entry = byFunction.get(key) ?? { name: functionName || '(anonymous)', where, hits: 0 };
    entry.hits += h;
    byFunction.set(key, entry);
  }
  const sorted = [...byFunction.values()].sort((a, b) => b.hits - a.hits).slice(0, top);
  return {
    totalMs,
    busyShare: 1 - idle / totalHits,
    top: sorted.map((e) => ({
      name: e.name,
      where: e.where,
      share: e.hits / totalHits,
      ms: (e.hits / totalHits) * totalMs,
    })),
  };
}

export function formatSummary(s: ProfileSummary): string {
  const lines = [
    `profile: ${(s.totalMs / 1000).toFixed(1)} s, busy ${(s.busyShare * 100).toFixed(0)} % of samples`,
    '| self % | self ms | function | where |',
    '| ---: | ---: | --- | --- |',
  ];
  for (const f of s.top) {
    lines.push(`| ${(f.share * 100).toFixed(1)} | ${f.ms.toFixed(0)} | ${f.name} | ${f.where} |`);
  }
  return lines.join('\n');
}
