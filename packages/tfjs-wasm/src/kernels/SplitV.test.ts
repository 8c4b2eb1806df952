import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { startBackends, stopBackends, uniform, type HostTensor } from '../testing/backends.js';
import { expectIdentical } from '../testing/float32-bound.js';

beforeAll(startBackends);
afterAll(stopBackends);

/** tf.split on one backend: the outputs' values and shapes. */
async function split(backend: 'wasm' | 'cpu', x: HostTensor, sizes: number | number[], axis: number, dtype: 'float32' | 'int32') {
  await tf.setBackend(backend);
  const input = tf.tensor(x.data, [...x.shape], dtype);
  const outs = tf.split(input, sizes, axis);
  const result = await Promise.all(outs.map(async (t) => ({ data: await t.data(), shape: t.shape })));
  tf.dispose([input, ...outs]);
  return result;
}

const ints = (shape: number[]): HostTensor => ({ data: Int32Array.from(uniform(shape, 9).data, (v) => Math.round(v * 100)), shape });

// SplitV only copies values: the wasm outputs must be bit-identical to the cpu ones.
const CASES = [
  { name: 'the GRU gates: [64,300] into 3 along the last axis', x: uniform([64, 300], 1), sizes: 3, axis: 1, dtype: 'float32' },
  { name: 'the GRU recurrent kernel: [100,300] into [200,100]', x: uniform([100, 300], 2), sizes: [200, 100], axis: -1, dtype: 'float32' },
  { name: 'the first axis, with -1: [10,4,3] into [2,-1,5]', x: uniform([10, 4, 3], 3), sizes: [2, -1, 5], axis: 0, dtype: 'float32' },
  { name: 'int32, a middle axis: [3,8,2] into [1,4,3]', x: ints([3, 8, 2]), sizes: [1, 4, 3], axis: 1, dtype: 'int32' },
] as const;

describe('SplitV on wasm (one copy per output) matches the cpu backend exactly', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const sizes = typeof c.sizes === 'number' ? c.sizes : [...c.sizes];
      const wasm = await split('wasm', c.x, sizes, c.axis, c.dtype);
      const cpu = await split('cpu', c.x, sizes, c.axis, c.dtype);
      expect(wasm.length).toBe(cpu.length);
      wasm.forEach((out, i) => {
        expect(out.shape).toEqual(cpu[i]!.shape);
        expectIdentical(out.data, cpu[i]!.data, `${c.name}, output ${i}`);
      });
    });
  }
});
