/**
 * Many epochs must not cost more memory than one: the TF.js adapter on wasm, trained through
 * the runner's epoch code on small synthetic data. TF.js counts its tensors exactly; the JS
 * heap is allowed the growth of a leak budget (harness memory.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { allowedGrowthBytes, memoryByEpoch } from '@rosetta/harness/testing';
import { describe, expect, test } from 'vitest';
import { framework } from './framework.js';

/**
 * Enough steps after epoch 2 for the leak budget to exceed the heap's own wander after a full
 * collection (about 0.2 MB here) several times: about 1.2 MB for the CNN, 1.4 MB for the GRU,
 * whose steps cost more (the embedding's Adam update does not shrink with the batch).
 */
const SIZES = { cnn: { batches: 16, epochs: 8 }, rnn: { batches: 4, epochs: 6 } } as const;

describe('tfjs-wasm memory over epochs', () => {
  test.each(['cnn', 'rnn'] as const)('%s: the same tensors after every epoch, and the JS heap within the leak budget', async (model) => {
    const { batches, epochs: count } = SIZES[model];
    const epochs = await memoryByEpoch(framework, { model, batchSize: 2, batches, epochs: count, probe: () => tf.memory() });
    // The first epoch creates the optimiser's slots; from then on nothing may be added.
    const first = epochs[0]!.probe;
    for (const { epoch, probe } of epochs) {
      expect({ epoch, tensors: probe.numTensors, bytes: probe.numBytes }).toEqual({ epoch, tensors: first.numTensors, bytes: first.numBytes });
    }
    // From the end of epoch 2 (allocator and caches warm) to the end of the last one.
    const heap = (i: number) => epochs[i]!.memory.heapUsed + epochs[i]!.memory.arrayBuffers;
    expect(heap(count - 1) - heap(1)).toBeLessThan(allowedGrowthBytes(model, (count - 2) * batches));
  }, 300_000);
});
