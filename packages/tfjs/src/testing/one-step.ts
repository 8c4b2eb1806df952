/**
 * One training step of a TF.js backend from the shared weights on a random batch (dropout off), and
 * the comparisons the backend packages' step tests make with it against a reference backend.
 */
import { initialWeights, MODEL_SPECS, type Framework, type ModelName, type Tensor } from '@rosetta/harness';
import { randomBatch } from '@rosetta/harness/testing';
import { TFJS_INPUT } from '../backend.js';

export interface Step {
  readonly loss: number;
  readonly weights: Map<string, Tensor>;
  /** Logits and accuracy on the same batch after the step. */
  readonly logits: Float32Array;
  readonly accuracy: number;
}

export async function oneStep(on: Framework, model: ModelName, options: { seed: number; batchSize: number }): Promise<Step> {
  const backend = await on.load();
  try {
    const trainable = await backend.createModel({ model, weights: initialWeights(model, options.seed), seed: options.seed, dropout: false, batchSize: options.batchSize });
    const batch = randomBatch(model, TFJS_INPUT, options.batchSize, 'one-step');
    let loss = NaN;
    await trainable.trainEpoch([batch], (l) => (loss = l[0]!));
    const step = { loss, weights: await trainable.weights(), logits: await trainable.predict(batch), accuracy: await trainable.evaluate(batch) };
    trainable.dispose();
    return step;
  } finally {
    await backend.dispose?.();
  }
}

function maxAbs(values: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) max = Math.max(max, Math.abs(values[i]!));
  return max;
}

/** max |a - b| / max |b|. */
export function maxRelative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < b.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max === 0 ? 0 : max / maxAbs(b);
}

/** Byte comparison: vitest's deep equality takes tens of seconds on a 3.75M-element embedding. */
export function sameBits(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** A float32 value is stored within half an ulp, at most 2^-24 of itself; two of them differ by twice that. */
const STORAGE = 2 ** -23;

/**
 * The largest difference of the two updates w1 - w0 in units of what `tolerance` allows (fails
 * above 1), and how many elements were judged.
 *
 * SGD's first update is -lr g, linear in the gradient: every element may differ by `tolerance`
 * of the tensor's largest update, plus the storage rounding of w1 (STORAGE |w1|, which
 * dominates where w is large and the update small). Adam's first update is
 * -lr g / (|g| + epsilon): where |g| is near epsilon a rounding of g moves it by a large
 * share of lr, so it is judged only where it saturated, moving at least (1 - tolerance) lr
 * in either backend (|g| >= epsilon / tolerance); there it is -lr sign(g) on both within
 * tolerance lr, which a gradient of the wrong sign misses by 2 lr.
 */
export function updateExcess(model: ModelName, w0: Float32Array, a: Float32Array, b: Float32Array, tolerance: number): { excess: number; judged: number } {
  const { optimizer } = MODEL_SPECS[model];
  const lr = optimizer.learningRate;
  const largest = optimizer.kind === 'adam' ? lr : maxAbs(b.map((v, i) => v - w0[i]!));
  let excess = 0;
  let judged = 0;
  for (let i = 0; i < b.length; i++) {
    const [da, db] = [a[i]! - w0[i]!, b[i]! - w0[i]!];
    if (optimizer.kind === 'adam' && Math.max(Math.abs(da), Math.abs(db)) < (1 - tolerance) * lr) continue;
    judged++;
    const allowed = tolerance * largest + STORAGE * Math.max(Math.abs(a[i]!), Math.abs(b[i]!));
    excess = Math.max(excess, Math.abs(da - db) / allowed);
  }
  return { excess, judged };
}
