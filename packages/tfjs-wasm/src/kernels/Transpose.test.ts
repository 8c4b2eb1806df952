import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Transpose } from '@tensorflow/tfjs-core';
import { runKernel, startBackends, stopBackends, uniform, type HostTensor } from '../testing/backends.js';
import { expectIdentical } from '../testing/float32-bound.js';

beforeAll(startBackends);
afterAll(stopBackends);

const ints = (shape: number[]): HostTensor => ({ data: Int32Array.from(uniform(shape, 9).data, (v) => Math.round(v * 999)), shape });

// A transpose only moves values: the wasm result must be bit-identical to the cpu one.
const CASES: { name: string; x: HostTensor; perm: number[] }[] = [
  { name: 'GRU embeddings to time-major: [64,150,125] perm [1,0,2]', x: uniform([64, 150, 125], 1), perm: [1, 0, 2] },
  { name: 'rank 4, the last axis kept: [3,4,5,6] perm [2,0,1,3]', x: uniform([3, 4, 5, 6], 2), perm: [2, 0, 1, 3] },
  { name: 'int32, rank 5: [2,3,2,4,3] perm [3,1,0,2,4]', x: ints([2, 3, 2, 4, 3]), perm: [3, 1, 0, 2, 4] },
  { name: 'the last axis moved (the stock kernel): [5,7] perm [1,0]', x: uniform([5, 7], 3), perm: [1, 0] },
  { name: 'the identity permutation (tf.gather\'s gradient; shared data): [30,12] perm [0,1]', x: uniform([30, 12], 4), perm: [0, 1] },
];

describe('Transpose on wasm (row copies when the last axis stays) matches the cpu backend exactly', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const wasm = await runKernel('wasm', Transpose, { x: c.x }, { perm: c.perm });
      const cpu = await runKernel('cpu', Transpose, { x: c.x }, { perm: c.perm });
      expect(wasm.shape).toEqual(cpu.shape);
      expectIdentical(wasm.data, cpu.data, c.name);
    });
  }
});
