/**
 * `npm run bench` / `npx nx run onnxruntime:bench`: median ms per training step (batch 64) of
 * both models on every ONNX Runtime provider that runs here. Options: --steps N, --warmup N.
 */
import { parseArgs } from 'node:util';
import { benchTrainingStep } from './bench.js';
import { frameworks } from './framework.js';

const { values } = parseArgs({
  options: { steps: { type: 'string', default: '10' }, warmup: { type: 'string', default: '2' } },
});
const steps = Number(values.steps);
const warmup = Number(values.warmup);
if (!Number.isInteger(steps) || steps < 1 || !Number.isInteger(warmup) || warmup < 0) {
  throw new Error(`bench: --steps must be a positive integer and --warmup a non-negative one (got ${values.steps}, ${values.warmup})`);
}

for (const model of ['cnn', 'rnn'] as const) {
  for (const framework of frameworks) {
    const result = await benchTrainingStep(framework, model, { steps, warmup });
    if (result.status === 'unavailable') {
      console.log(`${framework.name} ${model}: unavailable (${result.reason})`);
    } else {
      console.log(`${framework.name} ${model}: median ${result.msPerStepMedian.toFixed(1)} ms/step over ${steps} steps (${result.backend})`);
    }
  }
}
