import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Slice } from '@tensorflow/tfjs-core';
import { runKernel, startBackends, stopBackends, uniform, type HostTensor } from '../testing/backends.js';
import { expectIdentical } from '../testing/float32-bound.js';

beforeAll(startBackends);
afterAll(stopBackends);

const ints = (shape: number[]): HostTensor => ({
  data: Int32Array.from(uniform(shape, 5).data, (v) => Math.round(v * 1000)),
  shape,
});

// A slice only copies values: the wasm result must be bit-identical to the cpu one.
const CASES: { name: string; x: HostTensor; begin: number[]; size: number[] }[] = [
  { name: 'one GRU time step of [150,64,125] (contiguous)', x: uniform([150, 64, 125], 1), begin: [37, 0, 0], size: [1, -1, -1] },
  { name: 'a gate of the GRU pre-activations [64,300] (one run per row)', x: uniform([64, 300], 2), begin: [0, 100], size: [64, 100] },
  { name: 'rank 4, cut on every axis', x: uniform([3, 5, 6, 7], 3), begin: [1, 2, 0, 3], size: [2, 2, 5, 4] },
  { name: 'rank 5, the last two axes whole', x: uniform([2, 3, 4, 5, 6], 4), begin: [1, 0, 2, 0, 0], size: [1, 3, 2, 5, 6] },
  { name: 'int32, rank 3', x: ints([4, 6, 5]), begin: [1, 1, 1], size: [3, 4, -1] },
  { name: 'rank 1', x: uniform([17], 6), begin: [3], size: [9] },
];

describe('Slice on wasm (views of the heap) copies exactly what the cpu backend copies', () => {
  for (const c of CASES) {
    it(`${c.name}: [${c.x.shape}] from [${c.begin}] size [${c.size}]`, async () => {
      const attrs = { begin: c.begin, size: c.size };
      const wasm = await runKernel('wasm', Slice, { x: c.x }, attrs);
      const cpu = await runKernel('cpu', Slice, { x: c.x }, attrs);
      expect(wasm.shape).toEqual(cpu.shape);
      expectIdentical(wasm.data, cpu.data, c.name);
    });
  }

  it('rejects a slice that leaves the tensor', async () => {
    await expect(runKernel('wasm', Slice, { x: uniform([4, 5], 7) }, { begin: [2, 0], size: [3, 5] })).rejects.toThrow(
      /slice/i,
    );
  });
});
