import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Tensor } from '@rosetta/harness';
import { hwioToOihw, nchwRowsToNhwcRows, nhwcRowsToNchwRows, oihwToHwio } from './layout.js';
import { random } from './testing/batches.js';
import { conv2dSame, dense } from '@rosetta/spec/testing';

function randomTensor(shape: number[], seed: number): Tensor {
  const next = random(seed);
  return { shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => next() * 2 - 1) };
}

/** Float32 sums of a few dozen products: agreement to ~1e-6 absolute, so 1e-5 leaves room only for rounding. */
const FLOAT32_SUMS = 1e-5;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('conv kernels: canonical OIHW <-> TF.js HWIO', () => {
  it('round-trips and moves every element to [h, w, i, o]', () => {
    const kernel = randomTensor([4, 3, 3, 2], 1);
    const hwio = oihwToHwio(kernel);
    expect(hwio.shape).toEqual([3, 2, 3, 4]);
    // element (o=3, i=1, h=2, w=0) lands at (h=2, w=0, i=1, o=3)
    expect(hwio.data[((2 * 2 + 0) * 3 + 1) * 4 + 3]).toBe(kernel.data[((3 * 3 + 1) * 3 + 2) * 2 + 0]);
    const back = hwioToOihw(hwio);
    expect(back.shape).toEqual(kernel.shape);
    expect(back.data).toEqual(kernel.data);
  });

  it('gives TF.js the same convolution as the canonical kernel on an NCHW reference', () => {
    const [c, h, w, o] = [3, 5, 4, 6];
    const image = randomTensor([c, h, w], 2); // NCHW, one image
    const kernel = randomTensor([o, c, 3, 3], 3);
    const bias = randomTensor([o], 4);
    const expected = conv2dSame(Float64Array.from(image.data), c, h, w, kernel, bias); // [o, h, w]

    const hwio = oihwToHwio(kernel);
    const nhwc = tf.transpose(tf.tensor4d(image.data, [1, c, h, w]), [0, 2, 3, 1]);
    const got = tf.add(tf.conv2d(nhwc as tf.Tensor4D, tf.tensor4d(hwio.data, hwio.shape as [number, number, number, number]), 1, 'same'), tf.tensor1d(bias.data));
    const nchwOut = tf.transpose(got, [0, 3, 1, 2]).dataSync();
    expect(nchwOut.length).toBe(expected.length);
    nchwOut.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThan(FLOAT32_SUMS));
  });

  it('rejects a kernel that is not 4-dimensional', () => {
    expect(() => oihwToHwio({ shape: [3, 3], data: new Float32Array(9) })).toThrow(/expected 4 dimensions/);
  });
});

describe('dense rows after flatten: canonical NCHW order (c, h, w) <-> TF.js NHWC order (h, w, c)', () => {
  const map = { channels: 3, height: 2, width: 4 };

  it('round-trips', () => {
    const kernel = randomTensor([24, 5], 5);
    const back = nhwcRowsToNchwRows(nchwRowsToNhwcRows(kernel, map), map);
    expect(back.data).toEqual(kernel.data);
  });

  it('makes TF.js (NHWC flatten . converted kernel) equal the NCHW reference (NCHW flatten . canonical kernel)', () => {
    const featureMap = randomTensor([map.channels, map.height, map.width], 6); // NCHW
    const kernel = randomTensor([24, 5], 7);
    const bias = randomTensor([5], 8);
    const expected = dense(featureMap.data, kernel, bias);

    const converted = nchwRowsToNhwcRows(kernel, map);
    const nhwcFlat = tf.reshape(tf.transpose(tf.tensor3d(featureMap.data, [3, 2, 4]), [1, 2, 0]), [1, 24]);
    const got = tf.add(tf.matMul(nhwcFlat as tf.Tensor2D, tf.tensor2d(converted.data, [24, 5])), tf.tensor1d(bias.data)).dataSync();
    got.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThan(FLOAT32_SUMS));
    // and the conversion is not the identity here, so the check above can fail
    expect(converted.data).not.toEqual(kernel.data);
  });

  it('names the expected shape when the kernel does not follow the feature map', () => {
    expect(() => nchwRowsToNhwcRows({ shape: [23, 5], data: new Float32Array(115) }, map)).toThrow(/expected \[24, units\]/);
  });
});
