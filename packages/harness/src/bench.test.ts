import { describe, expect, it } from 'vitest';
import type { Batch } from '@rosetta/data';
import { benchTrainingStep, randomBatch } from './bench.js';
import { BackendUnavailableError, type Framework } from './framework.js';

/** A framework whose "training" only records the batches it is given. */
function recordingFramework(seen: Batch[]): Framework {
  return {
    name: 'recording',
    description: 'test double',
    load: async () => ({
      info: { framework: 'recording', backend: 'none', device: 'cpu', versions: {}, deviations: [] },
      input: { layout: 'NCHW', labels: 'sparse' },
      createModel: async () => ({
        async trainEpoch(batches, report) {
          for (const batch of batches) {
            seen.push(batch);
            report(Float32Array.of(0));
          }
        },
        predict: async () => new Float32Array(),
        weights: async () => new Map(),
        dispose: () => undefined,
      }),
    }),
  };
}

describe('benchTrainingStep', () => {
  it('times only the steps after the warm-up, on batches of the SPEC shapes', async () => {
    const seen: Batch[] = [];
    const result = await benchTrainingStep(recordingFramework(seen), 'cnn', { steps: 3, warmup: 2 });
    expect(seen).toHaveLength(5);
    expect(seen[0]!.shape).toEqual([64, 3, 32, 32]);
    expect(result.status === 'ok' && result.msPerStep.length).toBe(3);
    expect(result.status === 'ok' && result.cpuMsPerStepMedian).toBeGreaterThanOrEqual(0);
  });

  it('reports an unavailable backend instead of throwing', async () => {
    const framework: Framework = {
      name: 'missing', description: 'test double',
      load: async () => { throw new BackendUnavailableError('no such library'); },
    };
    expect(await benchTrainingStep(framework, 'rnn', { steps: 1, warmup: 0 })).toEqual({
      status: 'unavailable', framework: 'missing', model: 'rnn', reason: 'no such library',
    });
  });
});

describe('randomBatch', () => {
  it('is reproducible from its seed and has the token shape of the GRU', () => {
    const input = { layout: 'NHWC', labels: 'sparse' } as const;
    const a = randomBatch('rnn', input, 4, 's');
    expect(a.shape).toEqual([4, 150]);
    expect(randomBatch('rnn', input, 4, 's').x).toEqual(a.x);
  });
});
