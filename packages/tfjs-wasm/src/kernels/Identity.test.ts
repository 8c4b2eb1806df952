import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
// tf.grad needs the gradient functions, which tfjs-core registers only on request.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { startBackends, stopBackends, uniform, wasmBackend } from '../testing/backends.js';
import { expectIdentical } from '../testing/float32-bound.js';

beforeAll(startBackends);
afterAll(stopBackends);

describe('Identity on wasm shares the data (no copy) and keeps it until the last tensor on it goes', () => {
  it('tf.clone: same values, no new data, and the clone outlives the original', async () => {
    await tf.setBackend('wasm');
    const values = uniform([64, 100], 1).data;
    const x = tf.tensor(values, [64, 100]);
    const dataIds = wasmBackend().numDataIds();
    const y = tf.clone(x);
    expect(wasmBackend().numDataIds()).toBe(dataIds);
    x.dispose();
    expectIdentical(await y.data(), values, 'clone after its original was disposed');
    y.dispose();
    expect(wasmBackend().numDataIds()).toBe(dataIds - 1);
  });

  // Multiply keeps its inputs for the backward pass through the engine's clone (Identity).
  // The gradient, 3 t + 3 t, is exact in float32 on both backends.
  it('a gradient through tensors the tape kept matches the cpu backend exactly', async () => {
    const run = async (backend: 'wasm' | 'cpu') => {
      await tf.setBackend(backend);
      const x = tf.tensor(uniform([5, 7], 2).data, [5, 7]);
      const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.mul(t, t), 3)))(x);
      const data = await grad.data();
      tf.dispose([x, grad]);
      return data;
    };
    expectIdentical(await run('wasm'), await run('cpu'), 'gradient of sum(3 x x)');
  });
});
