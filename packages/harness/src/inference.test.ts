import { syntheticImageSplit, type Batch } from '@rosetta/data';
import { describe, expect, it } from 'vitest';
import type { TrainableModel } from './framework.js';
import { INFERENCE_TIMING, inferenceLine, measureInference } from './inference.js';

/**
 * A model whose predict takes a known time on a fake clock: 10 ms per batch of 64 (50 ms for
 * the warm-up batches), 2 ms for one sample (5 ms for the warm-up samples); between two calls
 * a second passes (the caller's batch assembly), which must not be counted either.
 */
function clockedModel() {
  let clock = 0;
  let readings = 0;
  const sizes: number[] = [];
  const indices: number[] = [];
  const model: TrainableModel = {
    trainEpoch: async () => {},
    predict: async (batch: Batch) => {
      sizes.push(batch.size);
      indices.push(batch.index);
      const singles = sizes.filter((size) => size === 1).length;
      if (batch.size === 1) clock += singles <= INFERENCE_TIMING.warmupSamples ? 5 : 2;
      else clock += sizes.length <= INFERENCE_TIMING.warmupBatches ? 50 : 10;
      return new Float32Array(batch.size * 10);
    },
    evaluate: async () => 0,
    weights: async () => new Map(),
    dispose: () => {},
  };
  // Readings alternate: before a call, after it; a second passes after each "after".
  const now = () => {
    const t = clock;
    if (readings++ % 2 === 1) clock += 1000;
    return t;
  };
  return { model, sizes, indices, now };
}

describe('measureInference', () => {
  const split = syntheticImageSplit(200, 'inference');

  it('times predict calls only, after the warm-up: throughput at the batch size and the median latency of one sample', async () => {
    const { model, sizes, indices, now } = clockedModel();
    const record = await measureInference(model, { split, input: { layout: 'NCHW', labels: 'sparse' }, batchSize: 64, classes: 10, seed: 1, now });
    // 32 batches of 64 at 10 ms each; the warm-ups and the time between calls do not count.
    expect(record).toEqual({ batchSize: 64, samplesPerSecond: 6400, latencyMsMedian: 2, latencySamples: 100 });
    expect(sizes).toEqual([...Array<number>(3 + 32).fill(64), ...Array<number>(10 + 100).fill(1)]);
    // In test-set order, from the start again: 200 samples make 3 batches of 64.
    expect(indices.slice(0, 35)).toEqual(Array.from({ length: 35 }, (_, i) => i % 3));
    expect(indices.slice(35)).toEqual(Array.from({ length: 110 }, (_, i) => i));
  });

  it('keeps to the test limit and checks the logits predict returns', async () => {
    const { model, indices, now } = clockedModel();
    await measureInference(model, { split, input: { layout: 'NCHW', labels: 'sparse' }, batchSize: 64, classes: 10, seed: 1, limit: 64, now });
    expect(indices).toEqual([...Array<number>(35).fill(0), ...Array.from({ length: 110 }, (_, i) => i % 64)]);

    const short: TrainableModel = { ...model, predict: async (batch) => new Float32Array(batch.size * 2) };
    await expect(measureInference(short, { split, input: { layout: 'NCHW', labels: 'sparse' }, batchSize: 64, classes: 10, seed: 1 })).rejects.toThrow(
      'inference timing: predict returned 128 logits for 64 sample(s) of 10 classes',
    );
  });

  it('prints one line', () => {
    expect(inferenceLine({ batchSize: 64, samplesPerSecond: 4015.6, latencyMsMedian: 3.456, latencySamples: 100 })).toBe(
      'inference: 4,016 samples/s at batch 64, 3.46 ms median for one sample alone (100 samples)',
    );
    expect(inferenceLine({ batchSize: 64, samplesPerSecond: 21.7, latencyMsMedian: 1234.5, latencySamples: 100 })).toBe(
      'inference: 22 samples/s at batch 64, 1,235 ms median for one sample alone (100 samples)',
    );
  });
});
