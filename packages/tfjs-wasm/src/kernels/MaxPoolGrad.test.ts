import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MaxPoolGrad } from '@tensorflow/tfjs-core';
import { runKernel, startBackends, stopBackends, uniform, type HostTensor } from '../testing/backends.js';
import { maxPoolGradAbsSums, type PoolGeometry } from '../testing/abs-sums.js';
import { expectIdentical, expectWithinSumBound } from '../testing/float32-bound.js';

beforeAll(startBackends);
afterAll(stopBackends);

/** ReLU outputs, as the CNN pools them: about half the values are 0, so windows tie. */
function relu(shape: number[], seed: number): HostTensor {
  return { data: uniform(shape, seed).data.map((v) => Math.max(0, v)), shape };
}

async function compare(x: HostTensor, dyShape: number[], attrs: Record<string, unknown>, geometry: PoolGeometry) {
  const dy = uniform(dyShape, 77);
  // The kernel reads only x and dy; output (the pool's result) is passed as TF.js does.
  const inputs = { dy, input: x, output: dy };
  const wasm = await runKernel('wasm', MaxPoolGrad, inputs, attrs);
  const cpu = await runKernel('cpu', MaxPoolGrad, inputs, attrs);
  expect(wasm.shape).toEqual(x.shape);
  const { absSums, maxCount } = maxPoolGradAbsSums(x, dy, geometry);
  return { wasm, cpu, check: () => expectWithinSumBound(wasm.data, cpu.data, absSums, maxCount, `MaxPoolGrad ${JSON.stringify(attrs)}`) };
}

describe('MaxPoolGrad on wasm (first maximum of each window) matches the cpu backend', () => {
  // The CNN's pools: 2x2, stride 2, after a ReLU. Windows do not overlap, so each dx
  // element receives at most one dy: the results must be identical, ties included.
  for (const [size, channels] of [[32, 50], [16, 100]] as const) {
    it(`CNN pool of [4,${size},${size},${channels}] ReLU outputs, 2x2 stride 2: identical`, async () => {
      const x = relu([4, size, size, channels], size);
      const attrs = { filterSize: [2, 2], strides: [2, 2], pad: 'valid' };
      const { wasm, cpu } = await compare(x, [4, size / 2, size / 2, channels], attrs, {
        filter: [2, 2], strides: [2, 2], top: 0, left: 0,
      });
      expectIdentical(wasm.data, cpu.data, `pool of [${x.shape}]`);
    });
  }

  it('windows of zeros send dy to their first element, as on cpu', async () => {
    const x: HostTensor = { data: new Float32Array(2 * 4 * 4 * 3), shape: [2, 4, 4, 3] };
    const attrs = { filterSize: [2, 2], strides: [2, 2], pad: 'valid' };
    const { wasm, cpu } = await compare(x, [2, 2, 2, 3], attrs, { filter: [2, 2], strides: [2, 2], top: 0, left: 0 });
    expectIdentical(wasm.data, cpu.data, 'windows of zeros');
    expect(wasm.data[0]).not.toBe(0); // element (0, 0) of the first window got its dy
  });

  it('overlapping windows (3x3, stride 2, same) sum their dy within 2 gamma_K S (K = windows per element)', async () => {
    const x = uniform([3, 9, 10, 4], 5);
    const attrs = { filterSize: [3, 3], strides: [2, 2], pad: 'same' };
    // 'same' with stride 2 on 9x10: out 5x5, padding 2 rows (1 top) and 1 column (0 left).
    const { check } = await compare(x, [3, 5, 5, 4], attrs, { filter: [3, 3], strides: [2, 2], top: 1, left: 0 });
    check();
  });

  it('rejects a dy that is not the pool of the input', async () => {
    const x = uniform([1, 4, 4, 2], 6);
    await expect(
      runKernel('wasm', MaxPoolGrad, { dy: uniform([1, 3, 2, 2], 7), input: x, output: x }, {
        filterSize: 2, strides: 2, pad: 'valid',
      }),
    ).rejects.toThrow(/dy is \[1,3,2,2\] but the pool of \[1,4,4,2\] gives \[1,2,2,2\]/);
  });
});
