/**
 * SplitV on wasm, one copy per output. The stock kernel runs the stock Slice once per
 * output, which copies the whole input out of the wasm heap each time; the GRU splits its
 * gate pre-activations and recurrent kernel three times per time step (450 calls per
 * training step). Output i here is copySlice of its range along the axis. String tensors
 * go to the stock kernel.
 */
import {
  backend_util,
  SplitV,
  util,
  type KernelConfig,
  type KernelFunc,
  type SplitVAttrs,
  type SplitVInputs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { copySlice } from './Slice.js';
import { heapElements, WASM } from './wasm-kernel-calls.js';

/** `stock` is the wasm backend's own SplitV, kept for string tensors. */
export function splitVConfig(stock: KernelConfig): KernelConfig {
  const splitV = (args: { inputs: SplitVInputs; backend: BackendWasm; attrs: SplitVAttrs }): TensorInfo[] => {
    const { inputs, backend, attrs } = args;
    const x = inputs.x as TensorInfo;
    if (x.dtype === 'string') return stock.kernelFunc(args as never) as TensorInfo[];
    const axis = util.parseAxisParam(attrs.axis, x.shape)[0]!;
    const sizes = backend_util.prepareSplitSize(x, attrs.numOrSizeSplits, axis);
    const shapes = sizes.map((s) => x.shape.map((d, i) => (i === axis ? s : d)));
    const outs = shapes.map((shape) => backend.makeOutput(shape, x.dtype));
    const { heap, start } = heapElements(backend, x.dtype); // after every allocation
    const begin = x.shape.map(() => 0);
    outs.forEach((out, i) => {
      copySlice(heap, start(x), x.shape, begin, shapes[i]!, start(out));
      begin[axis]! += sizes[i]!;
    });
    return outs;
  };
  return { ...stock, kernelName: SplitV, backendName: WASM, kernelFunc: splitV as unknown as KernelFunc };
}
