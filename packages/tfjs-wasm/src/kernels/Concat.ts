/**
 * Concat on wasm with one copy per (row, input) within the heap. The stock kernel copies
 * with `set` of a `subarray`, which allocates a view per copied run (see heapElements);
 * the GRU concatenates its gate gradients [64, 100] x 3 along the last axis 450 times per
 * training step, 192 runs each. Inputs are viewed as [rows, columns_i] around the axis,
 * as the stock kernel does. String tensors go to the stock kernel.
 */
import {
  backend_util,
  Concat,
  util,
  type ConcatAttrs,
  type ConcatInputs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapElements, WASM } from './wasm-kernel-calls.js';

/** `stock` is the wasm backend's own Concat, kept for string tensors. */
export function concatConfig(stock: KernelConfig): KernelConfig {
  const concat = (args: { inputs: ConcatInputs; backend: BackendWasm; attrs: ConcatAttrs }): TensorInfo => {
    const { backend, attrs } = args;
    const inputs = args.inputs as unknown as TensorInfo[];
    if (inputs[0]!.dtype === 'string') return stock.kernelFunc(args as never) as TensorInfo;
    const axis = util.parseAxisParam(attrs.axis, inputs[0]!.shape)[0]!;
    const shapes = inputs.map((t) => t.shape);
    backend_util.assertParamsConsistent(shapes, axis);
    const outShape = backend_util.computeOutShape(shapes, axis);
    const out = backend.makeOutput(outShape, inputs[0]!.dtype);
    const rows = util.sizeFromShape(outShape.slice(0, axis));
    const widths = inputs.map((t) => util.sizeFromShape(t.shape.slice(axis)));
    const width = widths.reduce((sum, w) => sum + w, 0);
    const { heap, start } = heapElements(backend, out.dtype); // after the allocation
    const to = start(out);
    inputs.forEach((input, i) => {
      const w = widths[i]!;
      if (w === 0) return;
      const from = start(input);
      const column = widths.slice(0, i).reduce((sum, v) => sum + v, 0);
      for (let r = 0; r < rows; r++) heap.copyWithin(to + r * width + column, from + r * w, from + (r + 1) * w);
    });
    return out;
  };
  return { ...stock, kernelName: Concat, backendName: WASM, kernelFunc: concat as unknown as KernelFunc };
}
