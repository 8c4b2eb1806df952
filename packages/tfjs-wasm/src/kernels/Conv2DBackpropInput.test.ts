import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Conv2DBackpropInput } from '@tensorflow/tfjs-core';
import { runKernel, startBackends, stopBackends, uniform } from '../testing/backends.js';
import { inputGradAbsSums, type ConvGeometry } from '../testing/abs-sums.js';
import { expectWithinSumBound } from '../testing/float32-bound.js';

const N = 4; // the batch is not summed over here; 4 of the model's 64 show the same thing

beforeAll(startBackends);
afterAll(stopBackends);

async function compare(
  inputShape: [number, number, number, number], dyShape: number[], filterShape: number[],
  attrs: Record<string, unknown>, geometry: ConvGeometry,
) {
  const dy = uniform(dyShape, 31);
  const filter = uniform(filterShape, 32);
  const allAttrs = { ...attrs, dataFormat: 'NHWC', inputShape };
  const wasm = await runKernel('wasm', Conv2DBackpropInput, { dy, filter }, allAttrs);
  const cpu = await runKernel('cpu', Conv2DBackpropInput, { dy, filter }, allAttrs);
  expect(wasm.shape).toEqual(inputShape);
  const k = filterShape[0]! * filterShape[1]! * filterShape[3]!;
  expectWithinSumBound(wasm.data, cpu.data, inputGradAbsSums(dy, filter, inputShape, geometry), k, `dx ${JSON.stringify(attrs)}`);
}

describe('Conv2DBackpropInput on wasm (Reverse + Transpose + Conv2D) matches the cpu backend within 2 gamma_K S (K = kh*kw*C_out)', () => {
  // The CNN needs dx of its last three convolutions (the first one's input is the data).
  for (const [cIn, cOut, size] of [[50, 50, 32], [50, 100, 16], [100, 100, 16]] as const) {
    it(`CNN conv ${cIn}->${cOut} at ${size}x${size}: dy [${N},${size},${size},${cOut}], 3x3, stride 1, same`, async () => {
      await compare([N, size, size, cIn], [N, size, size, cOut], [3, 3, cIn, cOut], { strides: 1, pad: 'same' }, {
        strides: [1, 1], top: 1, left: 1,
      });
    });
  }

  it('stride 1, valid padding, 5x3 filter', async () => {
    await compare([2, 9, 8, 3], [2, 5, 6, 4], [5, 3, 3, 4], { strides: [1, 1], pad: 'valid' }, { strides: [1, 1], top: 0, left: 0 });
  });

  it('stride 2 goes to the stock kernel and still matches', async () => {
    await compare([2, 9, 8, 3], [2, 5, 4, 4], [3, 3, 3, 4], { strides: [2, 2], pad: 'same' }, { strides: [2, 2], top: 1, left: 0 });
  });
});
