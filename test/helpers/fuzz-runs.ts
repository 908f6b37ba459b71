// How many cases a fuzz property runs: its CI default, or the count a long run asks for
// (`npm run fuzz -- --runs N`): FUZZ_RUNS for in-process properties, FUZZ_SESSION_RUNS for the
// ones that open a TCP session per case (each waits out a quiet period, so they are far slower).
export type FuzzKind = 'in-process' | 'session';

const VARIABLE: Record<FuzzKind, string> = {
  'in-process': 'FUZZ_RUNS',
  session: 'FUZZ_SESSION_RUNS',
};

export function fuzzRuns(ciDefault: number, kind: FuzzKind = 'in-process'): number {
  const name = VARIABLE[kind];
  const raw = process.env[name];
  if (raw === undefined || raw === '') return ciDefault;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new Error(`${name} must be a positive integer, got ${raw}`);
  return n;
}

/**
 * Counts the cases of one property and, in a long run (FUZZ_RUNS or FUZZ_SESSION_RUNS set),
 * prints every `every`-th so a run stopped early still tells how far it got.
 */
export function fuzzProgress(name: string, every = 100_000): () => void {
  const long = Boolean(process.env.FUZZ_RUNS || process.env.FUZZ_SESSION_RUNS);
  let cases = 0;
  return () => {
    cases++;
    if (long && cases % every === 0) process.stderr.write(`fuzz: ${name}: ${cases} cases\n`);
  };
}
