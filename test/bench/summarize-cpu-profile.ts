// node node_modules/vite-node/vite-node.mjs test/bench/summarize-cpu-profile.ts FILE.cpuprofile [TOP]
// Prints the functions with the most self time in a V8 CPU profile, as a markdown table.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatSummary, summarizeCpuProfile } from './cpu-profile-summary.js';

const [file, top] = process.argv.slice(2).filter((a) => a !== '--');
if (!file) {
  console.error('usage: summarize-cpu-profile.ts FILE.cpuprofile [TOP]');
  process.exit(2);
}
const root = fileURLToPath(new URL('../..', import.meta.url));
console.log(
  formatSummary(
    summarizeCpuProfile(JSON.parse(readFileSync(file, 'utf8')), Number(top ?? 25), root),
  ),
);
