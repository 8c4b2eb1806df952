/**
 * UnsortedSegmentSum for the wasm backend, which does not have it. Training the GRU calls
 * it once per step: the embedding gradient sums 9,600 rows of 125 into 30,000 segments.
 *
 * out[s, ...] = sum of x[i, ...] over every i with segmentIds[i] = s
 *
 * That is a ScatterNd of x's rows to the indices segmentIds reshaped to [N, 1]: the wasm
 * ScatterNd adds rows that land on the same index, and writes zeros everywhere else.
 * ScatterNd does not check its indices, so they are validated here first.
 */
import {
  Reshape,
  ScatterNd,
  UnsortedSegmentSum,
  util,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  type UnsortedSegmentSumAttrs,
  type UnsortedSegmentSumInputs,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { checkSegmentSum } from '../kernel-arguments.js';
import { callWasmKernel, release, WASM } from './wasm-kernel-calls.js';

function unsortedSegmentSum(args: {
  inputs: UnsortedSegmentSumInputs;
  backend: BackendWasm;
  attrs: UnsortedSegmentSumAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const { numSegments } = attrs;
  const idsRank = segmentIds.shape.length;
  checkSegmentSum(WASM, x, segmentIds, backend.typedArrayFromHeap(segmentIds), numSegments);

  const rowShape = x.shape.slice(idsRank);
  const numRows = util.sizeFromShape(segmentIds.shape);
  const indices = callWasmKernel(Reshape, { x: segmentIds }, backend, { shape: [numRows, 1] });
  const updates = callWasmKernel(Reshape, { x }, backend, { shape: [numRows, ...rowShape] });
  const out = callWasmKernel(ScatterNd, { indices, updates }, backend, {
    shape: [numSegments, ...rowShape],
  });
  release(backend, indices, updates);
  return out;
}

export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: WASM,
  kernelFunc: unsortedSegmentSum as unknown as KernelFunc,
};
