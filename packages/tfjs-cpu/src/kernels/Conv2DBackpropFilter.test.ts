import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Conv2DBackpropFilter } from '@tensorflow/tfjs-core';
import { registerFastKernels } from '../register-fast-kernels.js';
import { runCurrent, runStock, type KernelCall } from '../testing/stock.js';

beforeAll(async () => {
  registerFastKernels();
  await tf.setBackend('cpu');
});

interface Case {
  readonly x: [number, number, number, number]; // NHWC
  readonly filter: [number, number, number, number];
  readonly strides: number;
  readonly pad: 'same' | 'valid';
  readonly nchw?: boolean;
}

const CASES: Record<string, Case> = {
  'conv1-like: 3 -> 5 channels, 3x3 same': { x: [2, 8, 8, 3], filter: [3, 3, 3, 5], strides: 1, pad: 'same' },
  'conv2-like: 6 -> 6 channels': { x: [3, 6, 6, 6], filter: [3, 3, 6, 6], strides: 1, pad: 'same' },
  'conv4-like: 7 -> 9 channels, odd size': { x: [2, 5, 7, 7], filter: [3, 3, 7, 9], strides: 1, pad: 'same' },
  'stride 2, valid padding, uneven cover': { x: [2, 9, 8, 4], filter: [3, 3, 4, 3], strides: 2, pad: 'valid' },
  'stride 2, same padding, 5x5': { x: [2, 9, 9, 2], filter: [5, 5, 2, 3], strides: 2, pad: 'same' },
  '1x1 kernel': { x: [2, 4, 4, 5], filter: [1, 1, 5, 4], strides: 1, pad: 'valid' },
  'NCHW': { x: [2, 6, 5, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same', nchw: true },
};

function call(c: Case, abs = false): KernelCall {
  const [n, h, w, ci] = c.x;
  const xShape = c.nchw ? [n, ci, h, w] : c.x;
  const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad);
  const [, oh, ow, co] = info.outShape;
  const dyShape = c.nchw ? [n, co, oh, ow] : info.outShape;
  const make = (shape: number[], seed: number): tf.Tensor => {
    const t = tf.randomNormal(shape, 0, 1, 'float32', seed);
    return abs ? tf.abs(t) : t;
  };
  return {
    inputs: { x: make(xShape, 1), dy: make(dyShape, 2) },
    attrs: { strides: c.strides, pad: c.pad, dataFormat: c.nchw ? 'NCHW' : 'NHWC', filterShape: c.filter },
  };
}

describe('Conv2DBackpropFilter (cpu, typed-array loop)', () => {
  it.each(Object.entries(CASES))('%s: equals the stock kernel within float32 rounding', (_, c) => {
    const fast = runCurrent(Conv2DBackpropFilter, call(c))[0]!;
    const stock = runStock(Conv2DBackpropFilter, call(c))[0]!;
    // Sum of |terms| per filter element: the stock kernel on |x| and |dy|.
    const absSum = runStock(Conv2DBackpropFilter, call(c, true))[0]!;
    const [n, h, w] = c.x;
    const terms = n * h * w; // an upper bound on the terms of one sum
    // Both kernels sum in float64 (in different orders) and round once to float32:
    // |fast - stock| <= ulp(stock) + 2 * terms * 2^-53 * sum|terms|.
    expect(fast).toHaveLength(stock.length);
    stock.forEach((s, i) => {
      const bound = 2 ** -23 * Math.abs(s) + terms * 2 ** -52 * absSum[i]! * (1 + 2 ** -22);
      expect(Math.abs(fast[i]! - s), `element ${i}: fast ${fast[i]} stock ${s}`).toBeLessThanOrEqual(bound);
    });
    // The bound is not vacuous: the result is mostly far from zero.
    expect(stock.some((s) => Math.abs(s) > 1)).toBe(true);
  });

  it('rejects a dy whose shape does not follow from x and the filter', () => {
    const c = CASES['conv1-like: 3 -> 5 channels, 3x3 same']!;
    const { inputs, attrs } = call(c);
    const dy = tf.zeros([2, 7, 8, 5]);
    expect(() => runCurrent(Conv2DBackpropFilter, { inputs: { x: inputs.x!, dy }, attrs })).toThrow(
      /Conv2DBackpropFilter \(cpu\): dy is \[2,7,8,5\] but .* gives \[2,8,8,5\]/,
    );
  });
});
