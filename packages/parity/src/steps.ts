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
      const start = performance.now();
      await model.trainEpoch(stepBatches(options.split, options, backend.input), (chunk) => losses.push(...chunk));
      const seconds = (performance.now() - start) / 1000;
      if (losses.length !== options.steps) {
        throw new Error(`${framework.name} reported ${losses.length} losses for ${options.steps} steps`);
      }
      // Copies: a backend may hand out views of buffers it reuses or frees on dispose.
      const weights = new Map([...(await model.weights())].map(([name, t]) => [name, { shape: [...t.shape], data: t.data.slice() }]));
      return { framework: framework.name, info: backend.info, losses, weights, seconds };
    } finally {
      model.dispose();
    }
  } finally {
    await backend.dispose?.();
  }
}
