import { describe, expect, it } from 'vitest';
import type { Batch } from '@rosetta/data';
import type { Framework, StepReporter, TrainableModel } from '../framework.js';
import { allowedGrowthBytes, LEAK_BUDGET_BYTES, memoryAfterGc, memoryByEpoch } from './memory.js';
import { frameworks } from './linear.js';

const linear = frameworks.find((f) => f.name === 'linear')!;

describe('memoryAfterGc', () => {
  it('collects what is no longer referenced before it measures', async () => {
    // 64 MiB against half of it: the test runner's own buffers come and go meanwhile.
    const size = 64 * 2 ** 20;
    const before = (await memoryAfterGc()).arrayBuffers;
    let held: Uint8Array | null = new Uint8Array(size).fill(1);
    expect((await memoryAfterGc()).arrayBuffers - before).toBeGreaterThan(size / 2);
    expect(held[0]).toBe(1);
    held = null;
    expect((await memoryAfterGc()).arrayBuffers - before).toBeLessThan(size / 2);
  });
});

describe('allowedGrowthBytes', () => {
  it('is the leak budget of a SPEC.md run, pro rata to the steps', () => {
    expect(allowedGrowthBytes('cnn', 7_810)).toBe(LEAK_BUDGET_BYTES);
    expect(allowedGrowthBytes('rnn', 117)).toBeCloseTo(LEAK_BUDGET_BYTES / 10, 6);
  });
});

describe('memoryByEpoch', () => {
  /** The linear framework, but its model keeps a copy of every batch it trains on. */
  const leaky: Framework = {
    name: 'linear-leaky',
    description: 'test double',
    load: async () => {
      const backend = await linear.load();
      return {
        ...backend,
        createModel: async (options) => {
          const model = await backend.createModel(options);
          const kept: Float32Array[] = [];
          return Object.assign(Object.create(model) as TrainableModel, {
            trainEpoch: (batches: Iterable<Batch>, report: StepReporter) =>
              model.trainEpoch((function* () {
                for (const batch of batches) {
                  kept.push(Float32Array.from(batch.x));
                  yield batch;
                }
              })(), report),
          });
        },
      };
    },
  };
  const options = { model: 'cnn', batchSize: 8, batches: 8, epochs: 4, probe: () => null } as const;
  const js = (m: NodeJS.MemoryUsage) => m.heapUsed + m.arrayBuffers;

  it("records memory after each epoch; a model that keeps its batches grows past the leak budget, one that does not stays within", async () => {
    const allowed = allowedGrowthBytes('cnn', 2 * options.batches);
    const clean = await memoryByEpoch(linear, options);
    expect(clean.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
    expect(js(clean[3]!.memory) - js(clean[1]!.memory)).toBeLessThan(allowed);
    // 16 batches of 8 images kept between epochs 2 and 4: 16 x 8 x 3,072 x 4 bytes = 1.5 MiB.
    const leaking = await memoryByEpoch(leaky, options);
    expect(js(leaking[3]!.memory) - js(leaking[1]!.memory)).toBeGreaterThan(allowed);
  });
});
