/**
 * Median milliseconds per training step (batch 64) of a framework on random batches of the
 * real shapes: the speed figure of issue 4, kept out of the tests. It goes through the
 * harness interface only (load, createModel, trainEpoch), so `rosetta bench` can use it for
 * any framework.
 */
import type { Batch } from '@rosetta/data';
import {
  BackendUnavailableError,
  CNN_SPEC,
  initialWeights,
  median,
  RNN_SPEC,
  StepClock,
  type Framework,
  type InputFormat,
  type ModelName,
} from '@rosetta/harness';
import { randomBatch } from './random-batch.js';

export interface BenchOptions {
  /** Timed steps. */
  readonly steps: number;
  /** Steps run first and not timed (session warm-up, allocator growth). */
  readonly warmup: number;
  readonly batchSize?: number;
  readonly seed?: number;
}

export type BenchResult =
  | {
      readonly status: 'ok';
      readonly framework: string;
      readonly model: ModelName;
      readonly backend: string;
      readonly msPerStep: readonly number[];
      readonly msPerStepMedian: number;
      /**
       * Process CPU time (user + system, all threads) per timed step: on a shared machine the
       * wall-clock median mostly measures the other processes, this much less so.
       */
      readonly cpuMsPerStep: number;
    }
  | { readonly status: 'unavailable'; readonly framework: string; readonly model: ModelName; readonly reason: string };

function* randomBatches(model: ModelName, input: InputFormat, batchSize: number, count: number, seed: number): Generator<Batch> {
  for (let index = 0; index < count; index++) yield randomBatch(model, input, batchSize, `bench/${seed}/${index}`, index);
}

/** Trains `warmup + steps` steps from the shared initial weights and times each one. */
export async function benchTrainingStep(framework: Framework, model: ModelName, options: BenchOptions): Promise<BenchResult> {
  const batchSize = options.batchSize ?? (model === 'cnn' ? CNN_SPEC.batchSize : RNN_SPEC.batchSize);
  const seed = options.seed ?? 1;
  let backend;
  try {
    backend = await framework.load();
  } catch (error) {
    if (error instanceof BackendUnavailableError) return { status: 'unavailable', framework: framework.name, model, reason: error.message };
    throw error;
  }
  const trainable = await backend.createModel({ model, weights: initialWeights(model, seed), seed, dropout: true });
  try {
    const clock = new StepClock();
    let cpuAtWarm = options.warmup === 0 ? process.cpuUsage() : undefined;
    await trainable.trainEpoch(randomBatches(model, backend.input, batchSize, options.warmup + options.steps, seed), (losses) => {
      clock.lap(losses.length);
      if (cpuAtWarm === undefined && clock.stepMilliseconds.length >= options.warmup) cpuAtWarm = process.cpuUsage();
    });
    const cpu = process.cpuUsage(cpuAtWarm);
    const msPerStep = clock.stepMilliseconds.slice(options.warmup);
    return {
      status: 'ok',
      framework: framework.name,
      model,
      backend: backend.info.backend,
      msPerStep,
      msPerStepMedian: median(msPerStep),
      cpuMsPerStep: (cpu.user + cpu.system) / 1000 / options.steps,
    };
  } finally {
    trainable.dispose();
    await backend.dispose?.();
  }
}
