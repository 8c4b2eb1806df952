/**
 * `npm run bench` / `npx nx run @rosetta/onnxruntime:bench`: median ms per training step
 * (batch 64) of both models on every ONNX Runtime provider that runs here, and on the CPU
 * the same with one step per run against K per run (an ONNX Loop), which is how
 * STEPS_PER_RUN was chosen. Options: --steps N (timed steps, default 16), --warmup N
 * (default 8), --chunk K (default STEPS_PER_RUN.cpu).
 */
import { parseArgs } from 'node:util';
import { benchTrainingStep, type Framework } from '@rosetta/harness';
import { cpuFramework, cudaFramework, ortFramework, STEPS_PER_RUN } from './framework.js';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '16' },
    warmup: { type: 'string', default: '8' },
    chunk: { type: 'string', default: String(STEPS_PER_RUN.cpu) },
  },
});
const [steps, warmup, chunk] = [Number(values.steps), Number(values.warmup), Number(values.chunk)];
if (![steps, chunk].every((v) => Number.isInteger(v) && v >= 1) || !Number.isInteger(warmup) || warmup < 0) {
  throw new Error(`bench: --steps and --chunk must be positive integers, --warmup a non-negative one (got ${values.steps}, ${values.chunk}, ${values.warmup})`);
}

/** Warm-up and timed steps in whole runs, so that no timed run mixes in warm-up or the step graph. */
function whole(k: number): { steps: number; warmup: number } {
  return { steps: Math.ceil(steps / k) * k, warmup: Math.ceil(warmup / k) * k };
}

const variants: readonly [string, Framework, number][] = [
  ['onnxruntime-cpu (1 step/run)', ortFramework('cpu', cpuFramework.description, 1), 1],
  [`onnxruntime-cpu (${chunk} steps/run)`, ortFramework('cpu', cpuFramework.description, chunk), chunk],
  [`onnxruntime-cuda (${STEPS_PER_RUN.cuda} steps/run)`, cudaFramework, STEPS_PER_RUN.cuda],
];

for (const model of ['cnn', 'rnn'] as const) {
  const medians = new Map<string, number>();
  for (const [label, framework, k] of variants) {
    const result = await benchTrainingStep(framework, model, whole(k));
    if (result.status === 'unavailable') {
      console.log(`${model} ${label}: unavailable (${result.reason})`);
      continue;
    }
    medians.set(label, result.msPerStepMedian);
    console.log(
      `${model} ${label}: median ${result.msPerStepMedian.toFixed(1)} ms/step over ${result.msPerStep.length} steps, ` +
        `${result.cpuMsPerStepMedian.toFixed(1)} CPU ms/step (${result.backend})`,
    );
  }
  const [base, ...others] = [...medians];
  for (const [label, ms] of others) console.log(`${model} ${label} / ${base![0]}: ${(ms / base![1]).toFixed(2)}x`);
}
