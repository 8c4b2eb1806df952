import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { startBackends, stopBackends, uniform, type HostTensor } from '../testing/backends.js';
import { expectIdentical } from '../testing/float32-bound.js';

beforeAll(startBackends);
afterAll(stopBackends);

/** tf.unstack on one backend: the outputs' values and shapes. */
async function unstack(backend: 'wasm' | 'cpu', x: HostTensor, axis: number, dtype: 'float32' | 'int32' | 'bool') {
  await tf.setBackend(backend);
  const input = tf.tensor(x.data, [...x.shape], dtype);
  const outs = tf.unstack(input, axis);
  const result = await Promise.all(outs.map(async (t) => ({ data: await t.data(), shape: t.shape })));
  tf.dispose([input, ...outs]);
  return result;
}

const bools = (shape: number[]): HostTensor => ({ data: Int32Array.from(uniform(shape, 3).data, (v) => (v > 0 ? 1 : 0)), shape });

// Unpack only copies values: the wasm outputs must be bit-identical to the cpu ones.
const CASES = [
  { name: 'the GRU time steps: [150,64,125] along axis 0', x: uniform([150, 64, 125], 1), axis: 0, dtype: 'float32' },
  { name: 'a middle axis: [4,7,5] along axis 1', x: uniform([4, 7, 5], 2), axis: 1, dtype: 'float32' },
  { name: 'the last axis, counted from the end: [6,3] along axis -1', x: uniform([6, 3], 4), axis: -1, dtype: 'float32' },
  { name: 'bool: [3,4,2] along axis 2', x: bools([3, 4, 2]), axis: 2, dtype: 'bool' },
] as const;

describe('Unpack on wasm (one copy per output) matches the cpu backend exactly', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const wasm = await unstack('wasm', c.x, c.axis, c.dtype);
      const cpu = await unstack('cpu', c.x, c.axis, c.dtype);
      expect(wasm.length).toBe(cpu.length);
      wasm.forEach((out, i) => {
        expect(out.shape).toEqual(cpu[i]!.shape);
        expectIdentical(out.data, cpu[i]!.data, `${c.name}, output ${i}`);
      });
    });
  }
});
