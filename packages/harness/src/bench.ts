/**
 * Median milliseconds per training step of any framework, on random batches of the real
 * shapes (step time does not depend on the values). It goes through the Framework
 * interface only (load, createModel, trainEpoch), so every backend package's `bench`
 * target and `rosetta bench` share it. Speed goals live in bench targets, never in tests.
 */
import type { Batch } from '@rosetta/data';
import seedrandom from 'seedrandom';
import { BackendUnavailableError, type Framework, type InputFormat } from './framework.js';
import { CNN_SPEC, RNN_SPEC, type ModelName } from './spec.js';
import { median, StepClock } from './timing.js';
import { initialWeights } from './weights.js';

export interface BenchOptions {
  /** Timed steps. */
  readonly steps: number;
  /** Steps run first and not timed (JIT, allocator growth, operator caches). */
  readonly warmup: number;
  /** Defaults to the SPEC batch size (64). */
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
       * Process CPU time per timed step, all threads together: next to the wall time it
       * shows how much of a step was waiting for a core on a shared machine.
       */
      readonly cpuMsPerStepMedian: number;
    }
  | { readonly status: 'unavailable'; readonly framework: string; readonly model: ModelName; readonly reason: string };

/** One batch of uniform random data shaped like the shared iterator's. */
export function randomBatch(model: ModelName, input: InputFormat, batchSize: number, seed: string, index = 0): Batch {
  const random = seedrandom.alea(seed);
  const classes = model === 'cnn' ? CNN_SPEC.classes : RNN_SPEC.classes;
  const y = Int32Array.from({ length: batchSize }, () => Math.floor(random() * classes));
  const yOneHot = input.labels === 'onehot' ? new Float32Array(batchSize * classes) : undefined;
  y.forEach((label, i) => yOneHot?.fill(1, i * classes + label, i * classes + label + 1));
  const labels = { y, ...(yOneHot && { yOneHot }) };
  if (model === 'rnn') {
    const x = Int32Array.from({ length: batchSize * RNN_SPEC.sequenceLength }, () =>
      Math.floor(random() * RNN_SPEC.vocabularySize),
    );
    return { kind: 'tokens', index, size: batchSize, shape: [batchSize, RNN_SPEC.sequenceLength], x, ...labels };
  }
  const { channels, imageSize: size } = CNN_SPEC;
  const x = Float32Array.from({ length: batchSize * channels * size * size }, () => random());
  const shape: [number, number, number, number] =
    input.layout === 'NCHW' ? [batchSize, channels, size, size] : [batchSize, size, size, channels];
  return { kind: 'image', index, size: batchSize, layout: input.layout, shape, x, ...labels };
}

function* randomBatches(model: ModelName, input: InputFormat, batchSize: number, count: number, seed: number): Generator<Batch> {
  for (let index = 0; index < count; index++) yield randomBatch(model, input, batchSize, `bench/${seed}/${index}`, index);
}

/** Loads the framework, trains `warmup + steps` steps from the shared initial weights and times each. */
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
  try {
    const trainable = await backend.createModel({ model, weights: initialWeights(model, seed), seed, dropout: true, batchSize });
    try {
      const clock = new StepClock();
      const cpuClock = new StepClock(() => {
        const { user, system } = process.cpuUsage();
        return (user + system) / 1000;
      });
      const batches = randomBatches(model, backend.input, batchSize, options.warmup + options.steps, seed);
      await trainable.trainEpoch(batches, (losses) => {
        clock.lap(losses.length);
        cpuClock.lap(losses.length);
      });
      const msPerStep = clock.stepMilliseconds.slice(options.warmup);
      const cpuMsPerStepMedian = median(cpuClock.stepMilliseconds.slice(options.warmup));
      return {
        status: 'ok', framework: framework.name, model, backend: backend.info.backend,
        msPerStep, msPerStepMedian: median(msPerStep), cpuMsPerStepMedian,
      };
    } finally {
      trainable.dispose();
    }
  } finally {
    await backend.dispose?.();
  }
}
