import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { startBackends, stopBackends, uniform, wasmBackend, wasmHeapBytes } from './testing/backends.js';

beforeAll(startBackends);
afterAll(stopBackends);

const ids = Int32Array.from({ length: 96 }, (_, i) => (i * 7) % 13);

/** One call of every added or replaced kernel, on tensors that already live on wasm. */
const CALLS: Record<string, (inputs: Record<string, tf.Tensor>) => tf.Tensor | tf.Tensor[]> = {
  'Conv2DBackpropFilter (stride 1: products over views of its layout)': ({ x, dy2 }) =>
    tf.engine().runKernel('Conv2DBackpropFilter', { x: x!, dy: dy2! }, {
      strides: [1, 1], pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 4, 6],
    }) as tf.Tensor,
  'Conv2DBackpropFilter (stride 2: one convolution)': ({ x, dy }) =>
    tf.engine().runKernel('Conv2DBackpropFilter', { x: x!, dy: dy! }, {
      strides: [2, 2], pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, 4, 6],
    }) as tf.Tensor,
  Conv2DBackpropInput: ({ dy2, w }) =>
    tf.engine().runKernel('Conv2DBackpropInput', { dy: dy2!, filter: w! }, {
      strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: [2, 9, 10, 4],
    }) as tf.Tensor,
  BatchMatMul: ({ a, b }) =>
    tf.engine().runKernel('BatchMatMul', { a: a!, b: b! }, { transposeA: true, transposeB: true }) as tf.Tensor,
  UnsortedSegmentSum: ({ rows, segmentIds }) =>
    tf.engine().runKernel('UnsortedSegmentSum', { x: rows!, segmentIds: segmentIds! }, { numSegments: 13 }) as tf.Tensor,
  MaxPoolGrad: ({ x, pooled }) =>
    tf.engine().runKernel('MaxPoolGrad', { dy: pooled!, input: x!, output: pooled! }, {
      filterSize: [2, 2], strides: [2, 2], pad: 'valid',
    }) as tf.Tensor,
  Slice: ({ x }) => tf.engine().runKernel('Slice', { x: x! }, { begin: [1, 2, 0, 1], size: [1, 5, -1, 2] }) as tf.Tensor,
  SplitV: ({ rows }) => tf.engine().runKernel('SplitV', { x: rows! }, { numOrSizeSplits: [2, 3], axis: 1 }) as tf.Tensor[],
  Unpack: ({ x }) => tf.engine().runKernel('Unpack', { value: x! }, { axis: 1 }) as tf.Tensor[],
  Sum: ({ x }) => tf.engine().runKernel('Sum', { x: x! }, { axis: [0, 1, 2], keepDims: false }) as tf.Tensor,
  Concat: ({ x, dy2 }) => tf.engine().runKernel('Concat', [x!, dy2!] as unknown as tf.NamedTensorMap, { axis: 3 }) as tf.Tensor,
  Identity: ({ x }) => tf.engine().runKernel('Identity', { x: x! }) as tf.Tensor,
  Transpose: ({ x }) => tf.engine().runKernel('Transpose', { x: x! }, { perm: [2, 0, 1, 3] }) as tf.Tensor,
  GatherV2: ({ rows, segmentIds }) =>
    tf.engine().runKernel('GatherV2', { x: rows!, indices: segmentIds! }, { axis: 0, batchDims: 0 }) as tf.Tensor,
};

describe('the training kernels free everything they allocate', () => {
  for (const [name, call] of Object.entries(CALLS)) {
    it(`${name}: no tensor, data id or wasm heap growth over 20 calls`, async () => {
      await tf.setBackend('wasm');
      const inputs = {
        x: tf.tensor(uniform([2, 9, 10, 4], 1).data, [2, 9, 10, 4]),
        dy: tf.tensor(uniform([2, 4, 4, 6], 2).data, [2, 4, 4, 6]),
        dy2: tf.tensor(uniform([2, 9, 10, 6], 3).data, [2, 9, 10, 6]),
        w: tf.tensor(uniform([3, 3, 4, 6], 4).data, [3, 3, 4, 6]),
        a: tf.tensor(uniform([1, 64, 30], 5).data, [1, 64, 30]),
        b: tf.tensor(uniform([1, 20, 64], 6).data, [1, 20, 64]),
        rows: tf.tensor(uniform([96, 5], 7).data, [96, 5]),
        segmentIds: tf.tensor(ids, [96], 'int32'),
        pooled: tf.tensor(uniform([2, 4, 5, 4], 8).data, [2, 4, 5, 4]),
      };
      const backend = wasmBackend();
      tf.dispose(call(inputs)); // warm-up: first calls may grow the heap or create XNNPACK operators
      const before = { tensors: tf.memory().numTensors, dataIds: backend.numDataIds(), heap: wasmHeapBytes() };
      for (let i = 0; i < 20; i++) {
        const outs = [call(inputs)].flat();
        await Promise.all(outs.map((out) => out.data()));
        tf.dispose(outs);
      }
      const after = { tensors: tf.memory().numTensors, dataIds: backend.numDataIds(), heap: wasmHeapBytes() };
      expect(after).toEqual(before);
      Object.values(inputs).forEach((t) => t.dispose());
    });
  }
});
