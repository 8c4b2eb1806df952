/**
 * Transpose on wasm for permutations that keep the last axis, as whole-row copies. The
 * stock kernel moves one element at a time in a scalar C loop; the GRU transposes its
 * [64, 150, 125] embeddings to time-major and the gradient back (tfjs-layers' RNN), which
 * only reorders rows of 125 values. Other permutations, and string tensors, go to the
 * stock kernel.
 */
import {
  Transpose,
  util,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  type TransposeAttrs,
  type TransposeInputs,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { WASM } from './wasm-kernel-calls.js';

/** `stock` is the wasm backend's own Transpose, kept for the permutations not handled here. */
export function transposeConfig(stock: KernelConfig): KernelConfig {
  const transpose = (args: { inputs: TransposeInputs; backend: BackendWasm; attrs: TransposeAttrs }): TensorInfo => {
    const { inputs, backend, attrs } = args;
    const x = inputs.x as TensorInfo;
    const { perm } = attrs;
    const rank = x.shape.length;
    if (x.dtype === 'string' || rank < 2 || perm[rank - 1] !== rank - 1) return stock.kernelFunc(args as never) as TensorInfo;
    const outShape = perm.map((axis) => x.shape[axis]!);
    const out = backend.makeOutput(outShape, x.dtype);
    // Views only after the allocation: it may grow the heap and detach older views.
    const from = backend.typedArrayFromHeap(x);
    const to = backend.typedArrayFromHeap(out);
    const inner = x.shape[rank - 1]!;
    const strides = util.computeStrides(x.shape); // strides[i] for i < rank - 1
    const outerShape = outShape.slice(0, -1);
    const stepOf = outerShape.map((_, i) => strides[perm[i]!]!); // source step of each output axis
    const index = outerShape.map(() => 0);
    const rows = util.sizeFromShape(outerShape);
    for (let row = 0, source = 0; row < rows; row++) {
      to.set(from.subarray(source, source + inner), row * inner);
      // Advance the odometer over the output's outer axes and move the source with it.
      for (let axis = outerShape.length - 1; axis >= 0; axis--) {
        source += stepOf[axis]!;
        if (++index[axis]! < outerShape[axis]!) break;
        source -= outerShape[axis]! * stepOf[axis]!;
        index[axis] = 0;
      }
    }
    return out;
  };
  return { ...stock, kernelName: Transpose, backendName: WASM, kernelFunc: transpose as unknown as KernelFunc };
}
