/**
 * N training steps on one backend, from the shared weights, on the first N batches of the
 * shared iterator, with dropout off: the raw material of a parity comparison.
 */
import { batches, type Batch, type Split } from '@rosetta/data';
import type { BackendInfo, Framework, ModelName, Weights } from '@rosetta/harness';

export interface StepsOptions {
  readonly model: ModelName;
  readonly weights: Weights;
  readonly split: Split;
  readonly steps: number;
  readonly batchSize: number;
  readonly seed: number;
  /** Shuffle only the first N training samples (as `rosetta train --train-limit`). */
  readonly trainLimit?: number;
}

export interface StepsRun {
  readonly framework: string;
  readonly info: BackendInfo;
  readonly losses: number[];
  /** Weights after the first step, where the tolerances are derived (compare.ts). */
  readonly firstStep: Weights;
  /** Weights after the last step. */
  readonly weights: Weights;
  readonly seconds: number;
}

/**
 * The first `steps` batches of the training order, continuing into the next epoch's
 * shuffle when one epoch holds fewer: every backend gets exactly these, in its layout.
 */
export function* stepBatches(
  split: Split,
  options: { readonly steps: number; readonly batchSize: number; readonly seed: number; readonly trainLimit?: number },
  input: { readonly layout: 'NCHW' | 'NHWC'; readonly labels: 'sparse' | 'onehot' },
): Generator<Batch> {
  let remaining = options.steps;
  for (let epoch = 0; remaining > 0; epoch++) {
    let yielded = 0;
    for (const batch of batches(split, {
      batchSize: options.batchSize,
      seed: options.seed,
      epoch,
      shuffle: true,
      layout: input.layout,
      labels: input.labels,
      ...(options.trainLimit === undefined ? {} : { limit: options.trainLimit }),
    })) {
      yield batch;
      yielded++;
      if (--remaining === 0) return;
    }
    if (yielded === 0) {
      throw new Error(`the training set has no full batch of ${options.batchSize} (train limit ${options.trainLimit ?? 'none'})`);
    }
  }
}

/** The next `count` items of `iterator`, leaving the rest in it. */
function* take<T>(iterator: Iterator<T>, count: number): Generator<T> {
  for (let i = 0; i < count; i++) {
    const next = iterator.next();
    if (next.done) return;
    yield next.value;
  }
}

/** Loads the backend, trains, reads the weights back, and releases everything. */
export async function runSteps(framework: Framework, options: StepsOptions): Promise<StepsRun> {
  const backend = await framework.load();
  try {
    const model = await backend.createModel({
      model: options.model,
      weights: options.weights,
      seed: options.seed,
      dropout: false,
      batchSize: options.batchSize,
    });
    try {
      const losses: number[] = [];
      const record = (chunk: Float32Array) => losses.push(...chunk);
      // Copies: a backend may hand out views of buffers it reuses or frees on dispose.
      const snapshot = async (): Promise<Weights> =>
        new Map([...(await model.weights())].map(([name, t]) => [name, { shape: [...t.shape], data: t.data.slice() }]));
      const all = stepBatches(options.split, options, backend.input);
      let seconds = 0;
      const train = async (batches: Iterable<Batch>) => {
        const start = performance.now();
        await model.trainEpoch(batches, record);
        seconds += (performance.now() - start) / 1000;
      };
      // The first step alone, then the rest: trainEpoch just consumes the batches it is given.
      await train(take(all, 1));
      const firstStep = await snapshot();
      if (options.steps > 1) await train(all);
      if (losses.length !== options.steps) {
        throw new Error(`${framework.name} reported ${losses.length} losses for ${options.steps} steps`);
      }
      const weights = options.steps > 1 ? await snapshot() : firstStep;
      return { framework: framework.name, info: backend.info, losses, firstStep, weights, seconds };
    } finally {
      model.dispose();
    }
  } finally {
    await backend.dispose?.();
  }
}
