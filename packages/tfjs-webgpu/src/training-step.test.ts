import { describe, expect, it } from 'vitest';
import { initialWeights } from '@rosetta/harness';
import { maxRelative, oneStep, sameBits, updateExcess } from '@rosetta/tfjs/testing';
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
const SEED = 7;
const BATCH = 4;

// A CNN step at batch 4 is about 1.5 GFLOP, seconds on Mesa's llvmpipe.
describe.each(['cnn', 'rnn'] as const)('one %s training step on webgpu', { timeout: 180_000 }, (model) => {
  it(`matches the cpu backend within ${TOLERANCE} relative (batch ${BATCH}, dropout off, same weights)`, async () => {
    const initial = initialWeights(model, SEED);
    const webgpu = await oneStep(framework, model, { seed: SEED, batchSize: BATCH });
    const cpu = await oneStep(cpuFramework, model, { seed: SEED, batchSize: BATCH });

    expect(Number.isFinite(webgpu.loss)).toBe(true);
    expect(Math.abs(webgpu.loss - cpu.loss) / cpu.loss, `loss webgpu ${webgpu.loss} cpu ${cpu.loss}`).toBeLessThan(TOLERANCE);
    for (const [name, reference] of cpu.weights) {
      const start = initial.get(name)!.data;
      const updated = webgpu.weights.get(name)!.data;
      expect(sameBits(updated, start), `${name} moved`).toBe(false);
      expect(maxRelative(updated, reference.data), `${name} webgpu vs cpu`).toBeLessThan(TOLERANCE);
      const { excess, judged } = updateExcess(model, start, updated, reference.data, TOLERANCE);
      expect(judged, `${name}: updates judged`).toBeGreaterThan(0);
      expect(excess, `${name}: largest update difference over its rounding allowance`).toBeLessThanOrEqual(1);
    }
    // Inference after the step, on the updated weights.
    expect(maxRelative(webgpu.logits, cpu.logits), 'logits after the step').toBeLessThan(TOLERANCE);
    expect(webgpu.accuracy).toBe(cpu.accuracy);
  });
});
