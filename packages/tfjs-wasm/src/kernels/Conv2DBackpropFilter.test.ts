import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Conv2DBackpropFilter } from '@tensorflow/tfjs-core';
import { runKernel, startBackends, stopBackends, uniform, type HostTensor } from '../testing/backends.js';
import { filterGradAbsSums, type ConvGeometry } from '../testing/abs-sums.js';
import { expectWithinSumBound } from '../testing/float32-bound.js';

// The model's batch of 64 makes the cpu reference kernel take minutes; the batch is one
// of the summed axes here (K = N * OH * OW), so 2 exercises it the same way.
const N = 2;

/** The four convolutions of the CNN: 3x3, stride 1, same padding, NHWC. */
const MODEL_CONVS = [
  { cIn: 3, cOut: 50, size: 32 },
  { cIn: 50, cOut: 50, size: 32 },
  { cIn: 50, cOut: 100, size: 16 },
  { cIn: 100, cOut: 100, size: 16 },
];

beforeAll(startBackends);
afterAll(stopBackends);

async function compare(
  x: HostTensor, dy: HostTensor, attrs: Record<string, unknown>, filterShape: number[], geometry: ConvGeometry,
  layout: 'NHWC' | 'NCHW' = 'NHWC',
) {
  const allAttrs = { ...attrs, dataFormat: layout, filterShape };
  const wasm = await runKernel('wasm', Conv2DBackpropFilter, { x, dy }, allAttrs);
  const cpu = await runKernel('cpu', Conv2DBackpropFilter, { x, dy }, allAttrs);
  expect(wasm.shape).toEqual(filterShape);
  const [xh, dyh] = layout === 'NHWC' ? [x, dy] : [toNHWC(x), toNHWC(dy)];
  const [, oh, ow] = dyh.shape as number[];
  const k = dyh.shape[0]! * oh! * ow!;
  const absSums = filterGradAbsSums(xh, dyh, filterShape[0]!, filterShape[1]!, geometry);
  return expectWithinSumBound(wasm.data, cpu.data, absSums, k, `dW ${JSON.stringify(attrs)}`);
}

function toNHWC(t: HostTensor): HostTensor {
  const [n, c, h, w] = t.shape as [number, number, number, number];
  const data = new Float32Array(t.data.length);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) data[((b * h + y) * w + x) * c + ch] = t.data[((b * c + ch) * h + y) * w + x]!;
  return { data, shape: [n, h, w, c] };
}

describe('Conv2DBackpropFilter on wasm matches the cpu backend within 2 gamma_K S (K = N*OH*OW)', () => {
  for (const { cIn, cOut, size } of MODEL_CONVS) {
    it(`CNN conv ${cIn}->${cOut} at ${size}x${size}: x [${N},${size},${size},${cIn}], 3x3, stride 1, same`, async () => {
      const x = uniform([N, size, size, cIn], 11 + cIn);
      const dy = uniform([N, size, size, cOut], 17 + cOut);
      const { maxAbsError } = await compare(x, dy, { strides: [1, 1], pad: 'same' }, [3, 3, cIn, cOut], {
        strides: [1, 1], top: 1, left: 1,
      });
      expect(maxAbsError).toBeGreaterThan(0); // different summation orders: a zero would mean the same code ran twice
    });
  }

  // Stride 1 runs as products over shifted windows of a padded grid: these vary the
  // padding (zeros read at the edges), the filter, and the number of images per product.
  it('stride 1, several products of 2 images and a last one of 1: x [9,40,40,2], 3x3, same', async () => {
    const x = uniform([9, 40, 40, 2], 12);
    const dy = uniform([9, 40, 40, 3], 13);
    await compare(x, dy, { strides: [1, 1], pad: 'same' }, [3, 3, 2, 3], { strides: [1, 1], top: 1, left: 1 });
  });
  it('stride 1, valid padding, 5x4 filter: x [3,9,12,4]', async () => {
    const x = uniform([3, 9, 12, 4], 14);
    const dy = uniform([3, 5, 9, 6], 15); // 9-5+1 = 5, 12-4+1 = 9
    await compare(x, dy, { strides: [1, 1], pad: 'valid' }, [5, 4, 4, 6], { strides: [1, 1], top: 0, left: 0 });
  });
  it('stride 1, explicit uneven padding (2 above, 0 below, 0 left, 3 right), 3x2 filter: x [2,7,6,3]', async () => {
    const x = uniform([2, 7, 6, 3], 16);
    const pad = [[0, 0], [2, 0], [0, 3], [0, 0]];
    const dy = uniform([2, 7, 8, 5], 17); // 7+2-3+1 = 7, 6+3-2+1 = 8
    await compare(x, dy, { strides: [1, 1], pad }, [3, 2, 3, 5], { strides: [1, 1], top: 2, left: 0 });
  });
  it('stride 1, the same uneven padding with 16 channels (a product per row of taps, not one for all): x [2,7,6,16]', async () => {
    const x = uniform([2, 7, 6, 16], 22);
    const pad = [[0, 0], [2, 0], [0, 3], [0, 0]];
    const dy = uniform([2, 7, 8, 5], 23);
    await compare(x, dy, { strides: [1, 1], pad }, [3, 2, 16, 5], { strides: [1, 1], top: 2, left: 0 });
  });
  it('stride 1, 1x1 filter: x [4,6,5,7]', async () => {
    const x = uniform([4, 6, 5, 7], 18);
    const dy = uniform([4, 6, 5, 3], 19);
    await compare(x, dy, { strides: [1, 1], pad: 'valid' }, [1, 1, 7, 3], { strides: [1, 1], top: 0, left: 0 });
  });
  it('stride 1, padding wider than the filter (the general path): x [2,5,5,2], 3x3, pad 4', async () => {
    const x = uniform([2, 5, 5, 2], 20);
    const dy = uniform([2, 11, 11, 3], 21); // 5+8-3+1 = 11
    await compare(x, dy, { strides: [1, 1], pad: [[0, 0], [4, 4], [4, 4], [0, 0]] }, [3, 3, 2, 3], {
      strides: [1, 1], top: 4, left: 4,
    });
  });
  it('stride 2, valid padding, rows the forward pass never reached (cropped): x [3,10,11,4], 3x3', async () => {
    const x = uniform([3, 10, 11, 4], 1);
    const dy = uniform([3, 4, 5, 5], 2); // floor((10-3)/2)+1 = 4, floor((11-3)/2)+1 = 5
    await compare(x, dy, { strides: [2, 2], pad: 'valid' }, [3, 3, 4, 5], { strides: [2, 2], top: 0, left: 0 });
  });

  it('stride 2, same padding (pad only below/right): x [3,10,11,4], 3x3', async () => {
    const x = uniform([3, 10, 11, 4], 3);
    const dy = uniform([3, 5, 6, 5], 4);
    await compare(x, dy, { strides: [2, 2], pad: 'same' }, [3, 3, 4, 5], { strides: [2, 2], top: 0, left: 0 });
  });

  it('strides [1,2], explicit padding, 5x4 filter: x [2,9,12,3]', async () => {
    const x = uniform([2, 9, 12, 3], 5);
    const pad = [[0, 0], [2, 1], [0, 3], [0, 0]];
    const dy = uniform([2, 8, 6, 4], 6); // (9+3-5)+1 = 8, floor((12+3-4)/2)+1 = 6
    await compare(x, dy, { strides: [1, 2], pad }, [5, 4, 3, 4], { strides: [1, 2], top: 2, left: 0 });
  });

  it('NCHW: x [2,6,8,8], 3x3, stride 1, same', async () => {
    const x = uniform([2, 6, 8, 8], 7);
    const dy = uniform([2, 7, 8, 8], 8);
    await compare(x, dy, { strides: [1, 1], pad: 'same' }, [3, 3, 6, 7], { strides: [1, 1], top: 1, left: 1 }, 'NCHW');
  });

  it('rejects a dy whose shape does not follow from x, the filter and the attributes', async () => {
    const x = uniform([1, 8, 8, 2], 9);
    const dy = uniform([1, 7, 8, 3], 10);
    await expect(
      runKernel('wasm', Conv2DBackpropFilter, { x, dy }, {
        strides: [1, 1], pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 2, 3],
      }),
    ).rejects.toThrow(/dy is \[1,7,8,3\] but .* gives \[1,8,8,3\]/);
  });
});
