import { describe, expect, it } from 'vitest';
import { conv2dSame, crossEntropy, dense, lastDenseGradient, rnnReference, type ReferenceTensor } from './reference.js';

const tensor = (shape: number[], values: number[]): ReferenceTensor => ({ shape, data: Float32Array.from(values) });

describe('float64 reference', () => {
  it('conv2dSame correlates (no kernel flip) with zero padding: the top-left tap reads the pixel above-left', () => {
    const image = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]); // one channel, 3 x 3
    const kernel = tensor([1, 1, 3, 3], [1, 0, 0, 0, 0, 0, 0, 0, 0]);
    const out = conv2dSame(image, 1, 3, 3, kernel, tensor([1], [0.5]));
    expect(Array.from(out)).toEqual([0.5, 0.5, 0.5, 0.5, 1.5, 2.5, 0.5, 4.5, 5.5]);
  });

  it('dense is x . W + b with W [in, out]', () => {
    const out = dense([1, 2], tensor([2, 3], [1, 2, 3, 4, 5, 6]), tensor([3], [0.5, 0, -1]));
    expect(Array.from(out)).toEqual([9.5, 12, 14]);
  });

  it('crossEntropy: ln(classes) for equal logits, and the gradient of the batch mean by finite differences', () => {
    expect(crossEntropy(new Float64Array(4), [2], 4).loss).toBeCloseTo(Math.log(4), 12);
    const logits = Float64Array.from([0.3, -1.2, 2, 0.1, 0.7, -0.4]);
    const labels = [2, 0];
    const { dLogits } = crossEntropy(logits, labels, 3);
    const h = 1e-6;
    logits.forEach((_, i) => {
      const up = logits.slice();
      const down = logits.slice();
      up[i]! += h;
      down[i]! -= h;
      const numeric = (crossEntropy(up, labels, 3).loss - crossEntropy(down, labels, 3).loss) / (2 * h);
      expect(dLogits[i]).toBeCloseTo(numeric, 8);
    });
  });

  it('lastDenseGradient is h^T dLogits summed over the batch', () => {
    const g = lastDenseGradient(Float64Array.from([1, 2, 3, 4]), Float64Array.from([0.5, -0.5, 0.25, -0.25]), 2, 2);
    expect(Array.from(g)).toEqual([1 * 0.5 + 3 * 0.25, -1 * 0.5 - 3 * 0.25, 2 * 0.5 + 4 * 0.25, -2 * 0.5 - 4 * 0.25]);
  });

  it('GRU gates in the order z, r, h: with zero kernels, h_T = tanh(b_h) (1 - sigmoid(b_z)^T)', () => {
    const units = 2;
    const [bz, br, bh] = [0.4, -3, 0.8];
    const weights = new Map([
      ['embedding.weight', tensor([5, 3], new Array(15).fill(0.1))],
      ['gru.kernel', tensor([3, 3 * units], new Array(3 * 3 * units).fill(0))],
      ['gru.recurrentKernel', tensor([units, 3 * units], new Array(3 * units * units).fill(0))],
      ['gru.bias', tensor([3 * units], [bz, bz, br, br, bh, bh])],
      ['dense.weight', tensor([units, 1], [1, 0])],
      ['dense.bias', tensor([1], [0])],
    ]);
    const steps = 4;
    const { lastHidden, logits } = rnnReference(weights, [1, 2, 3, 4], 1);
    // The biases are float32; the rest is float64.
    const z = 1 / (1 + Math.exp(-Math.fround(bz)));
    const expected = Math.tanh(Math.fround(bh)) * (1 - z ** steps);
    expect(lastHidden[0]).toBeCloseTo(expected, 12);
    expect(logits[0]).toBeCloseTo(expected, 12);
  });
});
