/**
 * MaxPoolGrad on wasm in one pass over the pooling windows. The stock kernel's C loop is
 * generic over 3-D pools and visits every window of every input element (8-11 % of a CNN
 * training step in TF.js's profiler, for a memory-bound op); it also starts its running
 * maximum at the smallest positive float, so a window of zeros (common after a ReLU)
 * does not pass its dy to the window's first element as the cpu backend does (measured:
 * all but one such window's dy is dropped).
 *
 * No stock kernel, and no composition of them, picks the first maximum of each window and
 * routes dy there in one pass, so this is written by hand over views of the wasm heap:
 * for each output position, the first maximum of its window (row-major window order,
 * strictly greater, NaN never a maximum: the cpu backend's rule) receives dy, added to
 * what overlapping windows already sent there.
 */
import {
  backend_util,
  MaxPoolGrad,
  type KernelConfig,
  type KernelFunc,
  type MaxPoolGradAttrs,
  type MaxPoolGradInputs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { WASM } from './wasm-kernel-calls.js';

type Shape4 = [number, number, number, number];

function maxPoolGrad(args: { inputs: MaxPoolGradInputs; backend: BackendWasm; attrs: MaxPoolGradAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs;
  const info = backend_util.computePool2DInfo(input.shape as Shape4, filterSize, strides, 1, pad, dimRoundingMode);
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;
  if (dy.shape.join() !== info.outShape.join()) {
    throw new Error(`MaxPoolGrad (wasm): dy is [${dy.shape}] but the pool of [${input.shape}] gives [${info.outShape}]`);
  }
  const out = backend.makeOutput(input.shape, 'float32');
  // Views only after the allocation: it may grow the heap and detach older views.
  const x = backend.typedArrayFromHeap(input);
  const dyValues = backend.typedArrayFromHeap(dy);
  const dx = backend.typedArrayFromHeap(out);
  dx.fill(0);
  const best = new Float32Array(channels);
  const where = new Int32Array(channels);
  for (let b = 0; b < batchSize; b++) {
    for (let yR = 0; yR < outHeight; yR++) {
      const r0 = yR * strideHeight - top;
      const rBegin = Math.max(0, r0);
      const rEnd = Math.min(inHeight, r0 + filterHeight);
      for (let yC = 0; yC < outWidth; yC++) {
        const c0 = yC * strideWidth - left;
        const cBegin = Math.max(0, c0);
        const cEnd = Math.min(inWidth, c0 + filterWidth);
        best.fill(-Infinity);
        where.fill(-1);
        for (let r = rBegin; r < rEnd; r++) {
          for (let c = cBegin; c < cEnd; c++) {
            const base = ((b * inHeight + r) * inWidth + c) * channels;
            for (let d = 0; d < channels; d++) {
              const v = x[base + d]!;
              if (v > best[d]!) {
                best[d] = v;
                where[d] = base + d;
              }
            }
          }
        }
        const dyBase = ((b * outHeight + yR) * outWidth + yC) * channels;
        for (let d = 0; d < channels; d++) {
          const at = where[d]!;
          if (at >= 0) dx[at]! += dyValues[dyBase + d]!;
        }
      }
    }
  }
  return out;
}

export const maxPoolGradConfig = (stock: KernelConfig): KernelConfig => ({
  ...stock,
  kernelName: MaxPoolGrad,
  backendName: WASM,
  kernelFunc: maxPoolGrad as unknown as KernelFunc,
});
