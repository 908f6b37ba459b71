// The model-based test through the wire (wire-model.ts), a few thousand steps in CI. Long runs:
// `npm run test:model -- --steps 1000000 --seed N` (MODEL_STEPS, MODEL_SEED).
import { describe, expect, it } from 'vitest';
import { runWireModel } from './wire-model.js';

const steps = Number(process.env.MODEL_STEPS ?? 3000);
// Seeds whose layouts differ: read-only and offline zones with URSWRZ=0, gaps with 2 and with 3
// open zones, gaps with no open limit and URSWRZ=0.
const seeds = process.env.MODEL_SEED ? [Number(process.env.MODEL_SEED)] : [2, 3, 6, 13];
const long = process.env.MODEL_STEPS !== undefined;

/** Outcomes every CI run must reach, or the generator has stopped exercising the rules. */
const COVERED = [
  'WRITE(16) GOOD',
  'WRITE(16) 5/21/04',
  'WRITE(16) 5/21/05',
  'WRITE(10) GOOD',
  'READ(16) GOOD',
  'READ(16) 5/21/00',
  'REPORT ZONES GOOD',
  'REPORT ZONES 5/24/00',
  'ZBC OUT reset GOOD',
  'ZBC OUT open GOOD',
  'ZBC OUT finish GOOD',
  'ZBC OUT close GOOD',
  'ZBC OUT sequentialize GOOD',
  'SYNCHRONIZE CACHE(10) GOOD',
  'ABORT TASK aborted the write',
  'ABORT TASK after the response',
  'TEST UNIT READY on a new nexus 6/29/00',
];

describe('model-based run through the wire', () => {
  for (const seed of seeds) {
    it(`seed ${seed}: ${steps} steps agree with the reference model`, async () => {
      const started = Date.now();
      const outcomes = await runWireModel({
        seed,
        steps,
        onProgress: (step) => {
          const seconds = Math.round((Date.now() - started) / 1000);
          process.stderr.write(`model: seed ${seed} step ${step} (${seconds} s)\n`);
        },
      });
      if (long)
        console.log(
          [...outcomes]
            .sort()
            .map(([k, n]) => `${k}: ${n}`)
            .join('\n'),
        );
      else for (const outcome of COVERED) expect(outcomes.has(outcome), outcome).toBe(true);
    });
  }
});
