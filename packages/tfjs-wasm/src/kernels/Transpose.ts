/**
 * Transpose on wasm for permutations that keep the last axis, as whole-row copies. The
 * stock kernel moves one element at a time in a scalar C loop; the GRU transposes its
 * [64, 150, 125] embeddings to time-major and the gradient back (tfjs-layers' RNN), which
 * only reorders rows of 125 values. The identity permutation shares the data. Other
 * permutations, and string tensors, go to the stock kernel.
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
import { heapElements, WASM } from './wasm-kernel-calls.js';

/** `stock` is the wasm backend's own Transpose, kept for the permutations not handled here. */
export function transposeConfig(stock: KernelConfig): KernelConfig {
  const transpose = (args: { inputs: TransposeInputs; backend: BackendWasm; attrs: TransposeAttrs }): TensorInfo => {
    const { inputs, backend, attrs } = args;
    const x = inputs.x as TensorInfo;
    const { perm } = attrs;
    const rank = x.shape.length;
    if (x.dtype === 'string' || rank < 2 || perm[rank - 1] !== rank - 1) return stock.kernelFunc(args as never) as TensorInfo;
    const outShape = perm.map((axis) => x.shape[axis]!);
    if (perm.every((axis, i) => axis === i)) {
      // The same values in the same order (tf.gather's gradient asks for this): share them.
      backend.incRef(x.dataId);
      return { dataId: x.dataId, shape: outShape, dtype: x.dtype };
    }
    const out = backend.makeOutput(outShape, x.dtype);
    const { heap, start } = heapElements(backend, x.dtype); // after the allocation
    const from = start(x);
    const to = start(out);
    const inner = x.shape[rank - 1]!;
    const strides = util.computeStrides(x.shape); // strides[i] for i < rank - 1
    const outerShape = outShape.slice(0, -1);
    const stepOf = outerShape.map((_, i) => strides[perm[i]!]!); // source step of each output axis
    const index = outerShape.map(() => 0);
    const rows = util.sizeFromShape(outerShape);
    for (let row = 0, source = from; row < rows; row++) {
      heap.copyWithin(to + row * inner, source, source + inner);
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
