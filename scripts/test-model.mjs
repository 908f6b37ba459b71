#!/usr/bin/env node
// `npm run test:model -- --steps N [--seed S]`: the model-based test through the wire
// (test/unit/model) for N steps on seed S (default: a random seed, printed first). Progress every
// 10,000 steps; a divergence prints the seed, the step and the steps before it. Not in `npm test`.
import { parseArgs } from 'node:util';
import { positiveInteger, runLongVitest } from './vitest-long.mjs';

const { values } = parseArgs({
  options: { steps: { type: 'string', default: '1000000' }, seed: { type: 'string' } },
});
const steps = positiveInteger('steps', values.steps);
const seed =
  values.seed === undefined
    ? Math.floor(Math.random() * 2 ** 31)
    : positiveInteger('seed', values.seed);
console.log(`zbc-target: model: seed ${seed}, ${steps} steps`);
runLongVitest(`model seed ${seed}`, ['test/unit/model/wire-model.test.ts'], {
  MODEL_STEPS: String(steps),
  MODEL_SEED: String(seed),
});
