import { describe, expect, it } from 'vitest';
import { batches, syntheticImageSplit, type Batch } from '@rosetta/data';
import { aggregateKernels, benchTraining, parseBenchResult, profileTraining } from './bench.js';
import { DivergenceError } from './epoch.js';
import { BackendUnavailableError, type Framework } from './framework.js';
import { frameworks } from './testing/linear.js';

const byName = (name: string): Framework => frameworks.find((f) => f.name === name)!;

/** A framework whose "training" only records what it is given, one report per batch. */
function recordingFramework(seen: { index: number; y: number[]; shape: readonly number[] }[]): Framework {
  return {
    name: 'recording',
    description: 'test double',
    load: async () => ({
      info: { framework: 'recording', backend: 'none', device: 'cpu', versions: {}, deviations: ['records only'] },
      input: { layout: 'NHWC', labels: 'sparse' },
      createModel: async () => ({
        async trainEpoch(batches: Iterable<Batch>, report) {
          for (const batch of batches) {
            seen.push({ index: batch.index, y: [...batch.y], shape: batch.shape });
            report(Float32Array.of(0.5));
          }
        },
        predict: async () => new Float32Array(),
        evaluate: async () => 0,
        weights: async () => new Map(),
        dispose: () => undefined,
      }),
    }),
  };
}

describe('benchTraining', () => {
  it("trains on the shared iterator's batches of a synthetic dataset, as one epoch of a training run", async () => {
    const seen: { index: number; y: number[]; shape: readonly number[] }[] = [];
    const result = await benchTraining(recordingFramework(seen), { model: 'cnn', steps: 3, warmup: 2, seed: 5 });
    // The same batches as the iterator gives a training run's first epoch over these samples
    // (copied as they come: the iterator refills one buffer).
    const iterator = batches(syntheticImageSplit(5 * 64, 5), { batchSize: 64, seed: 5, epoch: 0, shuffle: true, layout: 'NHWC' });
    const expected = Array.from(iterator, (b) => [...b.y]);
    expect(seen.map((b) => b.index)).toEqual([0, 1, 2, 3, 4]);
    expect(seen.map((b) => b.y)).toEqual(expected);
    expect(seen[0]!.shape).toEqual([64, 32, 32, 3]);
    expect(result).toMatchObject({
      status: 'ok', kind: 'timing', framework: 'recording', model: 'cnn', backend: 'none',
      batchSize: 64, stepsPerRun: 1, warmupSteps: 2, deviations: ['records only'],
    });
    if (result.status !== 'ok' || result.kind !== 'timing') throw new Error('expected a timing');
    expect(result.msPerStep).toHaveLength(3);
    expect(result.cpuMsPerStep).toHaveLength(3);
    expect(result.peakRssBytes).toBeGreaterThan(0);
  });

  it('counts warm-up and timed steps in whole device calls, so that no timed call holds warm-up', async () => {
    // linear-chunked reports 4 steps per call: 2 warm-up -> 4, 5 timed -> 8.
    const result = await benchTraining(byName('linear-chunked'), { model: 'rnn', steps: 5, warmup: 2, batchSize: 8 });
    expect(result).toMatchObject({ status: 'ok', stepsPerRun: 4, warmupSteps: 4, batchSize: 8 });
    if (result.status !== 'ok' || result.kind !== 'timing') throw new Error('expected a timing');
    expect(result.msPerStep).toHaveLength(8);
    // A call's time is spread evenly over its steps, as in the runner.
    expect(result.msPerStep[0]).toBe(result.msPerStep[3]);
    expect(result.msPerStep[4]).toBe(result.msPerStep[7]);
  });

  it('asks the backend for --steps-per-run, and refuses a backend that cannot change it', async () => {
    const one = await benchTraining(byName('linear-chunked'), { model: 'cnn', steps: 2, warmup: 0, batchSize: 4, stepsPerRun: 1 });
    expect(one).toMatchObject({ status: 'ok', stepsPerRun: 1 });
    await expect(benchTraining(recordingFramework([]), { model: 'cnn', steps: 1, warmup: 0, stepsPerRun: 8 })).rejects.toThrow(
      'recording runs 1 step(s) per call and cannot run 8',
    );
  });

  it('reports an unavailable backend instead of throwing, and lets a divergence through', async () => {
    expect(await benchTraining(byName('linear-unavailable'), { model: 'rnn', steps: 1, warmup: 0 })).toEqual({
      status: 'unavailable', framework: 'linear-unavailable', model: 'rnn', reason: expect.stringMatching(/never loads/),
    });
    const framework: Framework = { name: 'missing', description: 'test double', load: async () => { throw new BackendUnavailableError('no such library'); } };
    expect(await benchTraining(framework, { model: 'cnn', steps: 1, warmup: 0 })).toMatchObject({ status: 'unavailable', reason: 'no such library' });
    await expect(benchTraining(byName('linear-diverging'), { model: 'cnn', steps: 3, warmup: 0, batchSize: 4 })).rejects.toThrow(DivergenceError);
  });
});

describe('profileTraining', () => {
  it("aggregates the framework profiler's events over the profiled steps only, after the warm-up", async () => {
    const result = await profileTraining(byName('linear-chunked'), { model: 'cnn', steps: 3, warmup: 1, batchSize: 4 });
    if (result.status !== 'ok' || result.kind !== 'profile') throw new Error(`expected a profile, got ${JSON.stringify(result)}`);
    // 3 steps round up to one call of 4; the warm-up call's 4 steps are not in the profile.
    expect(result).toMatchObject({ steps: 4, warmupSteps: 4, stepsPerRun: 4 });
    expect(result.kernels).toEqual([expect.objectContaining({ name: 'LinearStep', calls: 4, callsPerStep: 1 })]);
    expect(result.kernels[0]!.share).toBeGreaterThan(0);
    expect(result.kernels[0]!.share).toBeLessThanOrEqual(1);
  });

  it('says when a framework has no profiler hook', async () => {
    expect(await profileTraining(recordingFramework([]), { model: 'rnn', steps: 1, warmup: 0 })).toEqual({
      status: 'unsupported', framework: 'recording', model: 'rnn',
      reason: 'recording has no profiler hook (TrainableModel.profileKernels)',
    });
  });
});

describe('aggregateKernels', () => {
  it('sums by name, per step and as a share of the wall time, largest first', () => {
    const rows = aggregateKernels(
      [{ name: 'Conv', ms: 3 }, { name: 'Relu', ms: 1 }, { name: 'Conv', ms: 5 }, { name: 'Add', ms: 1 }],
      2,
      20,
    );
    expect(rows).toEqual([
      { name: 'Conv', calls: 2, totalMs: 8, msPerStep: 4, callsPerStep: 1, share: 0.4 },
      { name: 'Add', calls: 1, totalMs: 1, msPerStep: 0.5, callsPerStep: 0.5, share: 0.05 },
      { name: 'Relu', calls: 1, totalMs: 1, msPerStep: 0.5, callsPerStep: 0.5, share: 0.05 },
    ]);
  });

  it('rejects impossible events and step counts', () => {
    expect(() => aggregateKernels([{ name: 'Conv', ms: -1 }], 1, 1)).toThrow('profiler event Conv has a duration of -1 ms');
    expect(() => aggregateKernels([], 0, 1)).toThrow(RangeError);
  });
});

describe('parseBenchResult', () => {
  it('accepts a measurement and names the source of a malformed one', () => {
    const ok = {
      status: 'ok', kind: 'timing', framework: 'pytorch', model: 'cnn', backend: 'torch', batchSize: 64, stepsPerRun: 1,
      warmupSteps: 2, peakRssBytes: 1e9, deviations: [], msPerStep: [1, 2], cpuMsPerStep: [2, 3], msPerStepMedian: 1.5, cpuMsPerStepMedian: 2.5,
    };
    expect(parseBenchResult(ok, 'bench.py')).toEqual(ok);
    expect(() => parseBenchResult({ ...ok, msPerStep: [] }, 'reference/pytorch/bench.py')).toThrow(
      /^reference\/pytorch\/bench\.py: not a bench measurement: .*msPerStep/,
    );
  });
});
