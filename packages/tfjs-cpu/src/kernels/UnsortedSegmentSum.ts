/**
 * UnsortedSegmentSum for the cpu backend. Training the GRU calls it once per step: the
 * embedding gradient sums 9,600 rows of 125 into 30,000 segments. The stock kernel runs
 * an equal/cast/multiply/sum chain over all of x for every segment (30,000 passes).
 *
 * out[s, ...] = sum of x[i, ...] over every i with segmentIds[i] = s
 *
 * One pass over the ids adds each row into its segment. Sums are float64, added in row
 * order and rounded once, exactly as the stock kernel's Sum does, so results are
 * bit-identical to it. Unlike the stock kernel, which silently drops rows whose id is out
 * of range, an id outside [0, numSegments) is an error here: it means a wrong gradient.
 */
import {
  UnsortedSegmentSum,
  util,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  type UnsortedSegmentSumAttrs,
  type UnsortedSegmentSumInputs,
} from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { checkSegmentSum } from '@rosetta/tfjs-wasm/kernel-arguments';
import { CPU, output, values } from './cpu-values.js';

function unsortedSegmentSum(args: {
  inputs: UnsortedSegmentSumInputs;
  backend: MathBackendCPU;
  attrs: UnsortedSegmentSumAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const { numSegments } = attrs;
  if (x.dtype !== 'float32' && x.dtype !== 'int32') {
    throw new Error(`UnsortedSegmentSum (cpu): x must be float32 or int32, got ${x.dtype}`);
  }
  const ids = values(backend, segmentIds);
  checkSegmentSum(CPU, x, segmentIds, ids, numSegments);
  const rowShape = x.shape.slice(segmentIds.shape.length);
  const rowSize = util.sizeFromShape(rowShape);
  const xVals = values(backend, x);
  const sums = new Float64Array(numSegments * rowSize);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    const from = i * rowSize;
    const to = id * rowSize;
    for (let k = 0; k < rowSize; k++) sums[to + k] = sums[to + k]! + xVals[from + k]!;
  }
  // float32 whatever x is, as the stock kernel (its mask is float32).
  return output(backend, [numSegments, ...rowShape], 'float32', Float32Array.from(sums));
}

export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: CPU,
  kernelFunc: unsortedSegmentSum as unknown as KernelFunc,
};
