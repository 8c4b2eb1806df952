/**
 * `predict` at batch 1, which the runner times for latency (harness inference.ts), gives each
 * sample the logits it gets inside a full batch, on ONNX Runtime (static-shaped graphs: a
 * batch-1 inference session built on first use) and on TF.js (one code path for every TF.js
 * backend, classifier.ts; WASM here).
 *
 * Tolerance: the two computations may sum in different orders (another GEMM blocking for one
 * row than for several), so they differ like two implementations of the forward pass:
 * roundingTolerance of the logits' reduction chain (tolerance.ts), not a tuned number.
 */
import type { Batch } from '@rosetta/data';
import { initialWeights, relativeDifference, type Framework, type ModelName } from '@rosetta/harness';
import { randomBatch } from '@rosetta/harness/testing';
import { cpuFramework } from '@rosetta/onnxruntime';
import { framework as wasmFramework } from '@rosetta/tfjs-wasm';
import { describe, expect, it } from 'vitest';
import { chainLength, reductionChains, roundingTolerance } from './tolerance.js';

const BATCH = 4;

/** Sample `i` of `batch` as a batch of its own (views into the same buffers). */
function single(batch: Batch, i: number): Batch {
  const per = batch.x.length / batch.size;
  const y = batch.y.subarray(i, i + 1);
  if (batch.kind === 'tokens') return { kind: 'tokens', index: i, size: 1, shape: [1, batch.shape[1]], x: batch.x.subarray(i * per, (i + 1) * per), y };
  const [, a, b, c] = batch.shape;
  return { kind: 'image', index: i, size: 1, layout: batch.layout, shape: [1, a, b, c], x: batch.x.subarray(i * per, (i + 1) * per), y };
}

/** The logits' chain: the loss chain (tolerance.ts) less what follows the logits. */
function logitsTolerance(model: ModelName): number {
  const loss = reductionChains(model, BATCH).loss;
  const logits = loss.filter((r) => r.what !== 'softmax denominator' && r.what !== 'batch mean');
  expect(loss.length - logits.length).toBe(2);
  return roundingTolerance(chainLength(logits));
}

describe('predict at batch 1 agrees with predict at the batch size', { timeout: 240_000 }, () => {
  const cases: [Framework, ModelName][] = [
    [cpuFramework, 'cnn'],
    [cpuFramework, 'rnn'],
    [wasmFramework, 'cnn'],
    [wasmFramework, 'rnn'],
  ];
  it.each(cases.map(([framework, model]) => [framework.name, model, framework] as const))('%s %s', async (_name, model, framework) => {
    const backend = await framework.load();
    const trainable = await backend.createModel({ model, weights: initialWeights(model, 3), seed: 3, dropout: true, batchSize: BATCH });
    try {
      const batch = randomBatch(model, backend.input, BATCH, `predict-batch/${model}`);
      const together = await trainable.predict(batch);
      const alone = new Float32Array(together.length);
      const classes = together.length / BATCH;
      for (let i = 0; i < BATCH; i++) alone.set(await trainable.predict(single(batch, i)), i * classes);
      expect(relativeDifference(alone, together)).toBeLessThanOrEqual(logitsTolerance(model));
    } finally {
      trainable.dispose();
      await backend.dispose?.();
    }
  });
});
