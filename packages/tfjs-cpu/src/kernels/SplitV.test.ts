import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { SplitV } from '@tensorflow/tfjs-core';
import { registerFastKernels } from '../register-fast-kernels.js';
import { runCurrent, runStock, type KernelCall } from '../testing/stock.js';

beforeAll(async () => {
  registerFastKernels();
  await tf.setBackend('cpu');
});

function call(shape: number[], numOrSizeSplits: number | number[], axis: number, dtype: 'float32' | 'int32' | 'bool' = 'float32'): KernelCall {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = Array.from({ length: size }, (_, i) => (dtype === 'bool' ? i % 3 === 0 : (i * 37) % 101 - 50.25));
  const x = dtype === 'bool' ? tf.tensor(data as boolean[], shape, 'bool') : tf.tensor(data as number[], shape, dtype);
  return { inputs: { x }, attrs: { numOrSizeSplits, axis } };
}

describe('SplitV (cpu, strided copies)', () => {
  it.each([
    ['GRU recurrent kernel: [10, 30] into 3 on axis 1', [10, 30], 3, 1, 'float32'],
    ['uneven sizes on a middle axis', [4, 6, 3], [1, 3, 2], 1, 'float32'],
    ['negative axis, -1 size', [2, 3, 7], [2, -1, 1], -1, 'float32'],
    ['axis 0 (contiguous blocks)', [6, 4], [4, 2], 0, 'float32'],
    ['int32', [3, 8, 2], [5, 3], -2, 'int32'],
    ['bool', [5, 6], [1, 2, 3], 1, 'bool'],
  ] as const)('%s: identical to the stock kernel', (_, shape, splits, axis, dtype) => {
    const args = (): KernelCall => call([...shape], typeof splits === 'number' ? splits : [...splits], axis, dtype);
    const fast = runCurrent(SplitV, args());
    const stock = runStock(SplitV, args());
    expect(fast.length).toBe(stock.length);
    fast.forEach((part, i) => expect(part, `part ${i}`).toEqual(stock[i]));
  });

  it('gives every part its shape', () => {
    const parts = tf.split(tf.zeros([4, 6, 3]), [1, 3, 2], 1);
    expect(parts.map((p) => p.shape)).toEqual([[4, 1, 3], [4, 3, 3], [4, 2, 3]]);
  });
});
