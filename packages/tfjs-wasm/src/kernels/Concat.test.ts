import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Concat } from '@tensorflow/tfjs-core';
import { startBackends, stopBackends, uniform, type HostTensor } from '../testing/backends.js';
import { expectIdentical } from '../testing/float32-bound.js';

beforeAll(startBackends);
afterAll(stopBackends);

/** Concat on one backend (runKernel of backends.ts takes named inputs; Concat takes a list). */
async function concat(backend: 'wasm' | 'cpu', parts: HostTensor[], axis: number): Promise<HostTensor> {
  await tf.setBackend(backend);
  const tensors = parts.map((p) => tf.tensor(p.data, [...p.shape]));
  const out = tf.engine().runKernel(Concat, tensors as unknown as tf.NamedTensorMap, { axis }) as tf.Tensor;
  const result = { data: (await out.data()) as Float32Array | Int32Array, shape: out.shape };
  tf.dispose([out, ...tensors]);
  return result;
}

const ints = (shape: number[], seed: number): HostTensor => ({ data: Int32Array.from(uniform(shape, seed).data, (v) => Math.round(v * 99)), shape });

// Concat only moves values: the wasm result must be bit-identical to the cpu one.
const CASES: { name: string; parts: HostTensor[]; axis: number }[] = [
  { name: 'GRU gate gradients: 3 x [64,100] along axis 1', parts: [1, 2, 3].map((s) => uniform([64, 100], s)), axis: 1 },
  { name: 'the first axis: [2,3,4] and [5,3,4]', parts: [uniform([2, 3, 4], 4), uniform([5, 3, 4], 5)], axis: 0 },
  { name: 'a middle axis with an empty part: [2,1,3], [2,0,3], [2,4,3]', parts: [uniform([2, 1, 3], 6), uniform([2, 0, 3], 7), uniform([2, 4, 3], 8)], axis: 1 },
  { name: 'int32, the last axis counted from the end', parts: [ints([3, 2], 9), ints([3, 5], 10)], axis: -1 },
];

describe('Concat on wasm (copies within the heap) matches the cpu backend exactly', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const wasm = await concat('wasm', c.parts, c.axis);
      const cpu = await concat('cpu', c.parts, c.axis);
      expect(wasm.shape).toEqual(cpu.shape);
      expectIdentical(wasm.data, cpu.data, c.name);
    });
  }
});
