import { describe, expect, it } from 'vitest';
import { initialWeights, MODEL_SPECS, type Framework, type ModelName, type Tensor } from '@rosetta/harness';
import { randomBatch } from '@rosetta/harness/testing';
import { TFJS_INPUT } from '@rosetta/tfjs';
import { framework as cpuFramework } from '@rosetta/tfjs-cpu';
import { framework } from './index.js';

/**
 * One training step on webgpu against the cpu backend (with tfjs-cpu's faster but equal
 * kernels), from the same weights and batch, dropout off.
 *
 * Both backends compute in float32 (unit roundoff u = 2^-24 = 6e-8) and differ in the order
 * of their sums (the GPU kernels tile and split reductions). The rounding of a sum of n
 * terms behaves like noise of about sqrt(n) u relative to the terms, and the sums a value
 * depends on chain up like one sum of their total length. At batch 4 the CNN's longest chain
 * is about 1.6e4 terms (forward 27 + 450 + 450 + 900 + 6,400 + 512 + 10; back 10 + 512 + 900
 * + 900 + 450; conv1's kernel gradient over 4 x 32 x 32 positions), the GRU's about 8e4
 * (150 steps of 125 + 100 forward, 150 x 300 back through time, 4 x 150 for the kernel
 * gradients). Two such roundings differ by sqrt(2n) u: 1.1e-5 (CNN) and 2.4e-5 (GRU), so
 * 1e-4 is 4 to 9 of those. It judges the loss, every parameter after the step (largest
 * difference over the tensor's largest value) and, more sharply, the step's update itself.
 * Measured here: equal losses, parameters within 2.6e-5 (the GRU's kernel; the CNN's within
 * 1.1e-6), updates within 0.18 of their allowance.
 *
 * The batch is random pixels, on which no max-pool window holds two values within rounding
 * of each other. Where one does, the two backends may pick different elements for its
 * gradient, a difference no rounding tolerance covers (measured on the first 64 CIFAR-10
 * training images: one window in 409,600, which moved conv biases 1e-3 apart).
 */
const TOLERANCE = 1e-4;
/** A float32 value is stored within half an ulp, at most 2^-24 of itself; two of them differ by twice that. */
const STORAGE = 2 ** -23;
const SEED = 7;
const BATCH = 4;

interface Step {
  readonly loss: number;
  readonly weights: Map<string, Tensor>;
  readonly logits: Float32Array;
  readonly accuracy: number;
}

async function oneStep(on: Framework, model: ModelName): Promise<Step> {
  const backend = await on.load();
  const trainable = await backend.createModel({
    model, weights: initialWeights(model, SEED), seed: SEED, dropout: false, batchSize: BATCH,
  });
  const batch = randomBatch(model, TFJS_INPUT, BATCH, 'one-step');
  let loss = NaN;
  await trainable.trainEpoch([batch], (l) => (loss = l[0]!));
  const step = { loss, weights: await trainable.weights(), logits: await trainable.predict(batch), accuracy: await trainable.evaluate(batch) };
  trainable.dispose();
  return step;
}

function maxAbs(values: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) max = Math.max(max, Math.abs(values[i]!));
  return max;
}

/** max |a - b| / max |b|. */
function maxRelative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < b.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max === 0 ? 0 : max / maxAbs(b);
}

/**
 * The largest difference of the two updates w1 - w0 in units of what rounding allows (fails
 * above 1), and how many elements were judged.
 *
 * SGD's first update is -lr g, linear in the gradient: every element may differ by TOLERANCE
 * of the tensor's largest update, plus the storage rounding of w1 (STORAGE |w1|, which
 * dominates where w is large and the update small). Adam's first update is
 * -lr g / (|g| + epsilon): where |g| is near epsilon a rounding of g moves it by a large
 * share of lr, so it is judged only where it saturated, moving at least (1 - TOLERANCE) lr
 * in either backend (|g| >= epsilon / TOLERANCE); there it is -lr sign(g) on both within
 * TOLERANCE lr, which a gradient of the wrong sign misses by 2 lr.
 */
function updateExcess(model: ModelName, w0: Float32Array, a: Float32Array, b: Float32Array): { excess: number; judged: number } {
  const { optimizer } = MODEL_SPECS[model];
  const lr = optimizer.learningRate;
  const largest = optimizer.kind === 'adam' ? lr : maxAbs(b.map((v, i) => v - w0[i]!));
  let excess = 0;
  let judged = 0;
  for (let i = 0; i < b.length; i++) {
    const [da, db] = [a[i]! - w0[i]!, b[i]! - w0[i]!];
    if (optimizer.kind === 'adam' && Math.max(Math.abs(da), Math.abs(db)) < (1 - TOLERANCE) * lr) continue;
    judged++;
    const allowed = TOLERANCE * largest + STORAGE * Math.max(Math.abs(a[i]!), Math.abs(b[i]!));
    excess = Math.max(excess, Math.abs(da - db) / allowed);
  }
  return { excess, judged };
}

/** Byte comparison: vitest's deep equality takes tens of seconds on a 3.75M-element embedding. */
function sameBits(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

// A CNN step at batch 4 is about 1.5 GFLOP, seconds on Mesa's llvmpipe.
describe.each(['cnn', 'rnn'] as const)('one %s training step on webgpu', { timeout: 180_000 }, (model) => {
  it(`matches the cpu backend within ${TOLERANCE} relative (batch ${BATCH}, dropout off, same weights)`, async () => {
    const initial = initialWeights(model, SEED);
    const webgpu = await oneStep(framework, model);
    const cpu = await oneStep(cpuFramework, model);

    expect(Number.isFinite(webgpu.loss)).toBe(true);
    expect(Math.abs(webgpu.loss - cpu.loss) / cpu.loss, `loss webgpu ${webgpu.loss} cpu ${cpu.loss}`).toBeLessThan(TOLERANCE);
    for (const [name, reference] of cpu.weights) {
      const start = initial.get(name)!.data;
      const updated = webgpu.weights.get(name)!.data;
      expect(sameBits(updated, start), `${name} moved`).toBe(false);
      expect(maxRelative(updated, reference.data), `${name} webgpu vs cpu`).toBeLessThan(TOLERANCE);
      const { excess, judged } = updateExcess(model, start, updated, reference.data);
      expect(judged, `${name}: updates judged`).toBeGreaterThan(0);
      expect(excess, `${name}: largest update difference over its rounding allowance`).toBeLessThanOrEqual(1);
    }
    // Inference after the step, on the updated weights.
    expect(maxRelative(webgpu.logits, cpu.logits), 'logits after the step').toBeLessThan(TOLERANCE);
    expect(webgpu.accuracy).toBe(cpu.accuracy);
  });
});
