import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatherV2 } from '@tensorflow/tfjs-core';
import { runKernel, startBackends, stopBackends, uniform, type HostTensor } from '../testing/backends.js';
import { expectIdentical } from '../testing/float32-bound.js';

beforeAll(startBackends);
afterAll(stopBackends);

function ids(shape: number[], below: number, seed: number): HostTensor {
  return { data: Int32Array.from(uniform(shape, seed).data, (v) => Math.floor(((v + 1) / 2) * below)), shape };
}

// A gather only copies values: the wasm result must be bit-identical to the cpu one.
const CASES: { name: string; x: HostTensor; indices: HostTensor; axis: number }[] = [
  { name: 'an embedding lookup: 960 token ids [64,15] into [3000,125]', x: uniform([3000, 125], 1), indices: ids([64, 15], 3000, 2), axis: 0 },
  { name: 'a middle axis: [4,9,3] at 5 ids along axis 1', x: uniform([4, 9, 3], 3), indices: ids([5], 9, 4), axis: 1 },
  { name: 'the last axis, counted from the end: [6,7] at [2,2] ids', x: uniform([6, 7], 5), indices: ids([2, 2], 7, 6), axis: -1 },
  {
    name: 'int32 values', x: { data: Int32Array.from({ length: 40 }, (_, i) => i * 3 - 7), shape: [10, 4] },
    indices: ids([6], 10, 7), axis: 0,
  },
];

describe('GatherV2 on wasm (one row copy per index) matches the cpu backend exactly', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const attrs = { axis: c.axis, batchDims: 0 };
      const wasm = await runKernel('wasm', GatherV2, { x: c.x, indices: c.indices }, attrs);
      const cpu = await runKernel('cpu', GatherV2, { x: c.x, indices: c.indices }, attrs);
      expect(wasm.shape).toEqual(cpu.shape);
      expectIdentical(wasm.data, cpu.data, c.name);
    });
  }

  it('rejects an index outside the axis', async () => {
    for (const bad of [-1, 10]) {
      const indices: HostTensor = { data: Int32Array.of(0, bad), shape: [2] };
      await expect(runKernel('wasm', GatherV2, { x: uniform([10, 3], 8), indices }, { axis: 0, batchDims: 0 })).rejects.toThrow(
        `GatherV2: the index value ${bad} is not in [0, 9]`,
      );
    }
  });
});
