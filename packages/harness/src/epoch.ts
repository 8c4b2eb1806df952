/**
 * One training epoch as every caller must run it: the shared iterator created and consumed
 * inside (SPEC.md "What the training time includes": shuffle and batch assembly are part
 * of the step), every loss checked, exactly one loss per batch. The runner (runner.ts)
 * and the bench (bench.ts) both go through it, so a bench times what a training run does.
 */
import { batchCount, batches, type Split } from '@rosetta/data';
import type { InputFormat, TrainableModel } from './framework.js';

/** Thrown from the step reporter when a loss stops being a finite number. */
export class DivergenceError extends Error {
  override readonly name = 'DivergenceError';
}

export interface EpochOptions {
  /** Framework name, for messages. */
  readonly framework: string;
  readonly split: Split;
  readonly input: InputFormat;
  readonly batchSize: number;
  /** Seed of the run; the iterator combines it with the epoch for the shuffle. */
  readonly seed: number;
  /** 1-based, as printed; the iterator's epoch index is `epoch - 1`. */
  readonly epoch: number;
  /** Use only the first N samples of the split (full batches only). */
  readonly limit?: number;
  /**
   * Called after each report of the adapter whose losses are all finite, with the steps it
   * covers (`losses.length`) and the epoch's steps so far: where callers time the steps.
   */
  readonly onReport?: (losses: Float32Array, stepsSoFar: number) => void;
}

export interface EpochOutcome {
  readonly steps: number;
  /** Sum of the epoch's step losses (the runner records their mean). */
  readonly lossSum: number;
}

/** Trains `model` on one epoch of `split`; throws DivergenceError on a non-finite loss. */
export async function trainOneEpoch(model: TrainableModel, options: EpochOptions): Promise<EpochOutcome> {
  const { framework, split, input, batchSize, seed, epoch, limit } = options;
  const stepsPerEpoch = batchCount(split, { batchSize, limit });
  const iterator = batches(split, {
    batchSize,
    seed,
    epoch: epoch - 1,
    shuffle: true,
    layout: input.layout,
    labels: input.labels,
    limit,
  });
  let lossSum = 0;
  let steps = 0;
  await model.trainEpoch(iterator, (losses) => {
    for (let i = 0; i < losses.length; i++) {
      const loss = losses[i]!;
      if (!Number.isFinite(loss)) {
        throw new DivergenceError(`training diverged: loss is ${loss} at epoch ${epoch}, step ${steps + i + 1} of ${stepsPerEpoch}`);
      }
      lossSum += loss;
    }
    steps += losses.length;
    if (steps > stepsPerEpoch) throw new Error(`${framework} reported ${steps} steps in an epoch of ${stepsPerEpoch} batches`);
    options.onReport?.(losses, steps);
  });
  if (steps !== stepsPerEpoch) throw new Error(`${framework} reported ${steps} steps in an epoch of ${stepsPerEpoch} batches`);
  return { steps, lossSum };
}
