/**
 * `node packages/tfjs-wasm/dist/profile-main.js [--model cnn,rnn] [--steps 3]`: where one
 * training step (batch 64) goes on wasm, per kernel, from TF.js's own profiler
 * (`tf.profile`). Kernels a training kernel calls internally are counted in its time.
 * Each step is profiled separately after one warm-up step (XNNPACK operator creation,
 * heap growth); the table holds the median over the profiled steps of each kernel's total.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { CNN_SPEC, initialWeights, median, RNN_SPEC, type ModelName } from '@rosetta/harness';
import { randomBatch } from '@rosetta/harness/testing';
import { framework } from './framework.js';

const { values } = parseArgs({
  options: { model: { type: 'string', default: 'cnn,rnn' }, steps: { type: 'string', default: '3' }, top: { type: 'string', default: '12' } },
});
const models = values.model.split(',') as ModelName[];
const steps = Number(values.steps);
const top = Number(values.top);
for (const model of models) {
  if (model !== 'cnn' && model !== 'rnn') throw new Error(`profile-main: --model takes cnn and/or rnn, got "${model}"`);
}
if (!Number.isInteger(steps) || steps < 1) throw new Error(`profile-main: --steps must be a positive integer, got "${values.steps}"`);

const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

const backend = await framework.load();
for (const model of models) {
  const batchSize = model === 'cnn' ? CNN_SPEC.batchSize : RNN_SPEC.batchSize;
  const trainable = await backend.createModel({ model, weights: initialWeights(model, 1), seed: 1, dropout: true, batchSize });
  const step = (index: number) =>
    trainable.trainEpoch([randomBatch(model, backend.input, batchSize, `profile/${index}`, index)], () => undefined);
  await step(0);
  const perKernel = new Map<string, { ms: number[]; calls: number }>();
  const wall: number[] = [];
  for (let s = 1; s <= steps; s++) {
    const start = performance.now();
    const info = await tf.profile(() => step(s));
    wall.push(performance.now() - start);
    const totals = new Map<string, number>();
    for (const k of info.kernels) totals.set(k.name, (totals.get(k.name) ?? 0) + (k.kernelTimeMs as number));
    for (const [name, ms] of totals) {
      const entry = perKernel.get(name) ?? { ms: [], calls: 0 };
      entry.ms.push(ms);
      entry.calls = info.kernels.filter((k) => k.name === name).length;
      perKernel.set(name, entry);
    }
  }
  const stepMs = median(wall);
  // An op with a custom gradient (e.g. fusedMatMul__op) is recorded as a scope around
  // the kernels it runs, which are recorded too: it is left out of the sums.
  const all = [...perKernel].map(([name, { ms, calls }]) => ({ name, calls, ms: median(ms) })).sort((a, b) => b.ms - a.ms);
  const rows = all.filter((r) => !r.name.endsWith('__op'));
  const scopes = all.filter((r) => r.name.endsWith('__op'));
  const inKernels = rows.reduce((sum, r) => sum + r.ms, 0);
  console.log(
    `\n${model}, batch ${batchSize}, ${backend.info.backend}: step ${stepMs.toFixed(0)} ms (median of ${steps}, profiler on), ` +
      `${inKernels.toFixed(0)} ms in ${rows.reduce((n, r) => n + r.calls, 0)} kernel calls; load average ${load()}`,
  );
  console.log('| kernel | calls | ms | share of step |\n| --- | ---: | ---: | ---: |');
  for (const r of rows.slice(0, top)) {
    console.log(`| ${r.name} | ${r.calls} | ${r.ms.toFixed(1)} | ${((100 * r.ms) / stepMs).toFixed(1)} % |`);
  }
  const rest = rows.slice(top);
  if (rest.length > 0) {
    const ms = rest.reduce((sum, r) => sum + r.ms, 0);
    console.log(`| ${rest.length} others | ${rest.reduce((n, r) => n + r.calls, 0)} | ${ms.toFixed(1)} | ${((100 * ms) / stepMs).toFixed(1)} % |`);
  }
  console.log(`| outside kernels (JS, tape, profiler) | | ${(stepMs - inKernels).toFixed(1)} | ${((100 * (stepMs - inKernels)) / stepMs).toFixed(1)} % |`);
  for (const r of scopes) console.log(`(scope ${r.name}: ${r.calls} calls, ${r.ms.toFixed(1)} ms, counted in the kernels it ran)`);
  trainable.dispose();
}
await backend.dispose?.();
