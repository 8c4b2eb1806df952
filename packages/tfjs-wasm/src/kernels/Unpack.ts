/**
 * Unpack (tf.unstack) on wasm, one copy per output. The stock kernel runs the stock Slice
 * once per output, and that copies the whole input out of the wasm heap each time: the
 * GRU's time-step unstack of [150, 64, 125] (tfjs-layers' RNN loop) took 0.4-0.6 s per
 * training step. Output i here is copySlice of the input at index i along the axis, read
 * through a view of the heap. String tensors go to the stock kernel.
 */
import {
  Unpack,
  util,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  type UnpackAttrs,
  type UnpackInputs,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { copySlice } from './Slice.js';
import { heapElements, WASM } from './wasm-kernel-calls.js';

/** `stock` is the wasm backend's own Unpack, kept for string tensors. */
export function unpackConfig(stock: KernelConfig): KernelConfig {
  const unpack = (args: { inputs: UnpackInputs; backend: BackendWasm; attrs: UnpackAttrs }): TensorInfo[] => {
    const { inputs, backend, attrs } = args;
    const value = inputs.value as TensorInfo;
    if (value.dtype === 'string') return stock.kernelFunc(args as never) as TensorInfo[];
    const axis = util.parseAxisParam(attrs.axis, value.shape)[0]!;
    const count = value.shape[axis]!;
    const outShape = value.shape.filter((_, i) => i !== axis);
    const outs = Array.from({ length: count }, () => backend.makeOutput(outShape, value.dtype));
    const { heap, start } = heapElements(backend, value.dtype); // after every allocation
    const begin = value.shape.map(() => 0);
    const size = value.shape.map((d, i) => (i === axis ? 1 : d));
    outs.forEach((out, i) => {
      begin[axis] = i;
      copySlice(heap, start(value), value.shape, begin, size, start(out));
    });
    return outs;
  };
  return { ...stock, kernelName: Unpack, backendName: WASM, kernelFunc: unpack as unknown as KernelFunc };
}
