import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSyntheticMirror } from '@rosetta/data/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Batch } from '@rosetta/data';
import type { Framework, StepReporter } from './framework.js';
import type { Log } from './progress.js';
import { readResult } from './results.js';
import { INFERENCE_TIMING, inferenceLine } from './inference.js';
import { runTraining, type TrainingOptions } from './runner.js';
import { frameworks, LinearModel } from './testing/linear.js';

const [linear, diverging, unavailable] = frameworks as [Framework, Framework, Framework];

let dir: string;
let mirror: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rosetta-runner-'));
  mirror = join(dir, 'mirror');
  await writeSyntheticMirror(mirror, { seed: 7, cifarTrain: 640, cifarTest: 256, imdbTrain: 1280, imdbTest: 256 });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function recorder(): Log & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (line) => lines.push(line), status: () => {} };
}

function options(framework: Framework, outDir: string, extra: Partial<TrainingOptions> = {}): TrainingOptions {
  return {
    framework,
    model: 'cnn',
    epochs: 3,
    seed: 1,
    outDir,
    label: 'test-cpu-2-cores',
    run: { invocation: '2026-01-01T00:00:00.000Z', repeat: 1, repeats: 1 },
    dropout: true,
    mirror,
    cacheDir: join(dir, 'cache'),
    command: 'test',
    ...extra,
  };
}

/** A linear model that reports its steps two at a time, as an adapter running chunks of steps per device call does. */
class PairedLinear extends LinearModel {
  override async trainEpoch(batches: Iterable<Batch>, report: StepReporter): Promise<void> {
    let pending: number[] = [];
    for (const batch of batches) {
      pending.push(this.step(batch));
      if (pending.length === 2) {
        report(Float32Array.from(pending));
        pending = [];
      }
    }
    if (pending.length > 0) report(Float32Array.from(pending));
  }
}

function paired(name: string): Framework {
  return {
    name,
    description: 'reports steps in pairs',
    load: async () => ({ ...(await linear.load()), createModel: async () => new PairedLinear(3072, 10, 0.01, 0.9) }),
  };
}

describe('runTraining', () => {
  it('trains, evaluates and writes a valid ok result with every timing SPEC.md asks for', async () => {
    const out = join(dir, 'ok');
    const log = recorder();
    const run = await runTraining({ ...options(linear, out), log });
    expect(run.error).toBeUndefined();
    const result = await readResult(run.file);
    expect(result).toEqual(run.result);
    expect(result).toMatchObject({ framework: 'linear', model: 'cnn', status: 'ok', reason: null, epochs: 3, batchSize: 64 });
    expect(result.trainSamples).toBe(640);
    expect(result.testSamples).toBe(256);
    expect(result.epochSeconds).toHaveLength(3);
    expect(result.trainSeconds!).toBeGreaterThanOrEqual(result.epochSeconds.reduce((a, b) => a + b, 0) - 1e-9);
    expect(result.steadyEpochSeconds).toBe((result.epochSeconds[1]! + result.epochSeconds[2]!) / 2);
    expect(result.samplesPerSecond).toBeCloseTo((640 * 3) / result.trainSeconds!, 6);
    expect(result.epochLoss).toHaveLength(3);
    expect(result.finalLoss).toBe(result.epochLoss[2]);
    // The synthetic images are learnable: a linear model must beat the 10 % of chance.
    expect(result.testAccuracy!).toBeGreaterThan(0.3);
    expect(result.dataset).toMatchObject({ name: 'cifar10', format: 'cifar10-binary-tar-gz', synthetic: true });
    expect(result.weights!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(result.env.versions['@rosetta/harness']).toMatch(/^\d+\.\d+\.\d+/);
    expect(log.lines[0]).toMatch(/3 epoch\(s\) x 10 steps of 64 = 30 steps/);
    expect(log.lines.some((l) => /^after 5 steps: ~.* for 30 steps$/.test(l))).toBe(true);
    expect(log.lines.filter((l) => /^epoch \d\/3: /.test(l))).toHaveLength(3);
    // Inference, timed after evaluation on the trained model: throughput at the training
    // batch, the median of 100 single samples (the linear model predicts any batch size).
    expect(result.inference).toMatchObject({ batchSize: 64, latencySamples: INFERENCE_TIMING.latencySamples });
    expect(result.inference!.samplesPerSecond).toBeGreaterThan(0);
    expect(result.inference!.latencyMsMedian).toBeGreaterThan(0);
    const summary = log.lines.findIndex((l) => l.startsWith('trained in '));
    expect(log.lines[summary + 1]).toBe(inferenceLine(result.inference!));

    // A second run in the same directory estimates its length from the first before starting.
    const again = recorder();
    await runTraining({ ...options(linear, out), log: again });
    expect(again.lines.some((l) => l.startsWith('previous result test-cpu-2-cores/linear.cnn.3ep-all-seed1.json: ~'))).toBe(true);
  });

  it('learns the synthetic reviews too', async () => {
    const run = await runTraining(options(linear, join(dir, 'rnn'), { model: 'rnn', epochs: 3 }));
    expect(run.result.status).toBe('ok');
    expect(run.result.trainSamples).toBe(1280);
    expect(run.result.testAccuracy!).toBeGreaterThan(0.6);
  });

  it('accepts steps reported in chunks', async () => {
    const run = await runTraining(options(paired('pairs'), join(dir, 'pairs'), { epochs: 1, trainLimit: 320 }));
    expect(run.result.status).toBe('ok');
    expect(run.result.epochLoss).toHaveLength(1);
  });

  it('names a run on all of a subset as such, its unavailable runs too, and keeps "all" for the full data', async () => {
    const subsetMirror = join(dir, 'subset-mirror');
    await writeSyntheticMirror(subsetMirror, { seed: 7, cifarTrain: 128, cifarTest: 64, imdbTrain: 128, imdbTest: 64 });
    const manifest = JSON.parse(await readFile(join(subsetMirror, 'manifest.json'), 'utf8')) as { datasets: Record<string, { subset: boolean }> };
    manifest.datasets['cifar10']!.subset = true;
    await writeFile(join(subsetMirror, 'manifest.json'), JSON.stringify(manifest));
    const out = join(dir, 'subset');
    const ok = await runTraining(options(linear, out, { epochs: 1, mirror: subsetMirror }));
    const gone = await runTraining(options(unavailable, out, { epochs: 1, mirror: subsetMirror }));
    expect([ok.result.run.configuration, gone.result.run.configuration]).toEqual(['1ep-subset-seed1', '1ep-subset-seed1']);
    expect(ok.file.endsWith('linear.cnn.1ep-subset-seed1.json')).toBe(true);
    const full = await runTraining(options(linear, join(dir, 'full'), { epochs: 1, trainLimit: 128 }));
    expect(full.result.run.configuration).toBe('1ep-128-seed1');
    const whole = await runTraining(options(linear, join(dir, 'full'), { epochs: 1, model: 'rnn', trainLimit: undefined }));
    expect(whole.result.run.configuration).toBe('1ep-all-seed1');
  });

  it('records an unavailable backend with its reason and loads no data', async () => {
    const out = join(dir, 'unavailable');
    const run = await runTraining(options(unavailable, out, { mirror: join(dir, 'no-such-mirror') }));
    const result = await readResult(run.file);
    expect(result.status).toBe('unavailable');
    expect(result.reason).toMatch(/never loads/);
    expect(result.dataset).toBeNull();
    expect(result.env.backend).toBe('linear-unavailable (not loaded)');
  });

  it('records a backend on a software WebGPU adapter as unavailable when asked to skip those, and trains it otherwise', async () => {
    const adapter = { vendor: 'mesa', architecture: 'software', device: 'llvmpipe', description: 'llvmpipe (LLVM 15)', software: true };
    let disposed = 0;
    const software: Framework = {
      name: 'linear-software-gpu',
      description: 'the linear model, said to run on a software WebGPU adapter',
      load: async () => {
        const backend = await linear.load();
        return { ...backend, info: { ...backend.info, device: adapter.description, adapter }, dispose: () => void disposed++ };
      },
    };
    const skipped = await readResult((await runTraining(options(software, join(dir, 'software'), { epochs: 1, skipSoftwareAdapter: true }))).file);
    expect(skipped.status).toBe('unavailable');
    expect(skipped.reason).toMatch(/software rasteriser \(llvmpipe \(LLVM 15\)\)[\s\S]*npx rosetta train --framework linear-software-gpu/);
    expect(disposed).toBe(1);
    const trained = await readResult((await runTraining(options(software, join(dir, 'software'), { epochs: 1 }))).file);
    expect(trained.status).toBe('ok');
    // The adapter is recorded with the run; inference is not timed on it.
    expect(trained.env.adapter).toEqual(adapter);
    expect(trained.inference).toBeNull();
  });

  it('stops a diverging run with a clear reason and records the failure, not half a result', async () => {
    const out = join(dir, 'diverging');
    const run = await runTraining(options(diverging, out));
    expect(run.error).toBeInstanceOf(Error);
    const result = await readResult(run.file);
    expect(result.status).toBe('failed');
    expect(result.reason).toMatch(/^training diverged: loss is (NaN|-?Infinity) at epoch 1, step 2 of 10$/);
    expect(result.trainSeconds).toBeNull();
    expect(result.testAccuracy).toBeNull();
    expect(await readdir(join(out, 'test-cpu-2-cores'))).toEqual(['linear-diverging.cnn.3ep-all-seed1.json']);
  });

  it('fails a run whose adapter skips batches, one whose accuracy is not one, and one whose data cannot be found', async () => {
    const skipping: Framework = {
      ...linear,
      name: 'skipping',
      load: async () => {
        const backend = await linear.load();
        return {
          ...backend,
          createModel: async () => ({
            trainEpoch: async (_batches, report) => report(Float32Array.of(1)),
            predict: async (batch) => new Float32Array(batch.size * 10),
            evaluate: async () => 0,
            weights: async () => new Map(),
            dispose: () => {},
          }),
        };
      },
    };
    const skipped = await runTraining(options(skipping, join(dir, 'skipping'), { epochs: 1 }));
    expect(skipped.result.status).toBe('failed');
    expect(skipped.result.reason).toBe('skipping reported 1 steps in an epoch of 10 batches');

    const miscounting: Framework = {
      ...linear,
      name: 'miscounting',
      load: async () => {
        const backend = await linear.load();
        return {
          ...backend,
          createModel: async (modelOptions) => Object.assign(await backend.createModel(modelOptions), { evaluate: async () => 64 }),
        };
      },
    };
    const miscounted = await runTraining(options(miscounting, join(dir, 'miscounting'), { epochs: 1 }));
    expect(miscounted.result.status).toBe('failed');
    expect(miscounted.result.reason).toBe('miscounting: evaluate returned 64 for test batch 0, not an accuracy in [0, 1]');

    const lost = await runTraining(options(linear, join(dir, 'lost'), { mirror: join(dir, 'no-such-mirror') }));
    expect(lost.result.status).toBe('failed');
    expect(lost.result.reason).toContain('no-such-mirror');
  });

  it('times inference on the trained model after evaluation, and fails the run when predict cannot take one sample', async () => {
    const sizes: number[] = [];
    let trained = false;
    const counting = (name: string, singleSample: boolean): Framework => ({
      name,
      description: 'records the batches predict is given',
      load: async () => {
        const backend = await linear.load();
        return {
          ...backend,
          createModel: async (modelOptions) => {
            const model = await backend.createModel(modelOptions);
            return {
              trainEpoch: async (batches, report) => {
                await model.trainEpoch(batches, report);
                trained = true;
              },
              predict: async (batch) => {
                if (!trained) throw new Error('predict before training');
                if (batch.size === 1 && !singleSample) throw new Error(`${name}: this graph takes batches of 64`);
                sizes.push(batch.size);
                return model.predict(batch);
              },
              evaluate: async (batch) => {
                if (!trained) throw new Error('evaluate before training');
                sizes.push(batch.size);
                return model.evaluate(batch);
              },
              weights: () => model.weights(),
              dispose: () => model.dispose(),
            };
          },
        };
      },
    });
    const run = await runTraining(options(counting('counting', true), join(dir, 'counting'), { epochs: 1 }));
    expect(run.result.status).toBe('ok');
    // Evaluation: the 4 test batches; then 3 + 32 batches of 64 and 10 + 100 single samples.
    const { warmupBatches, throughputBatches, warmupSamples, latencySamples } = INFERENCE_TIMING;
    expect(sizes).toEqual([...Array<number>(4 + warmupBatches + throughputBatches).fill(64), ...Array<number>(warmupSamples + latencySamples).fill(1)]);

    const failed = await runTraining(options(counting('batch-64-only', false), join(dir, 'batch-64-only'), { epochs: 1 }));
    expect(failed.result.status).toBe('failed');
    expect(failed.result.reason).toBe('batch-64-only: this graph takes batches of 64');
  });

  it('refuses limits that leave no full batch', async () => {
    const run = await runTraining(options(linear, join(dir, 'small'), { trainLimit: 63 }));
    expect(run.result.status).toBe('failed');
    expect(run.result.reason).toMatch(/at least one full batch of 64/);
  });
});
