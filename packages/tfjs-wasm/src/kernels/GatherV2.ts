/**
 * GatherV2 on wasm, one row copy per index. The stock C kernel computes every output
 * element's source position through per-element index vectors; the GRU's embedding
 * lookup (9,600 rows of 125 from a [30000, 125] table per training step) took tens of ms.
 * Here x is viewed as [outer, axis, inner] and each (outer, index) pair is one contiguous
 * copy of `inner` values within the heap. Batched gathers (batchDims > 0) and
 * string tensors (or non-int32 indices) go to the stock kernel. Indices are checked as
 * the stock kernel does.
 */
import {
  GatherV2,
  util,
  type GatherV2Attrs,
  type GatherV2Inputs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapElements, WASM } from './wasm-kernel-calls.js';

/** `stock` is the wasm backend's own GatherV2, kept for the cases not handled here. */
export function gatherV2Config(stock: KernelConfig): KernelConfig {
  const gatherV2 = (args: { inputs: GatherV2Inputs; backend: BackendWasm; attrs: GatherV2Attrs }): TensorInfo => {
    const { inputs, backend, attrs } = args;
    const { x, indices } = inputs as { x: TensorInfo; indices: TensorInfo };
    if (x.dtype === 'string' || indices.dtype !== 'int32' || (attrs.batchDims ?? 0) !== 0) {
      return stock.kernelFunc(args as never) as TensorInfo;
    }
    const axis = util.parseAxisParam(attrs.axis, x.shape)[0]!;
    const size = x.shape[axis]!;
    const outer = util.sizeFromShape(x.shape.slice(0, axis));
    const inner = util.sizeFromShape(x.shape.slice(axis + 1));
    const ids = backend.typedArrayFromHeap(indices);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (!(id >= 0 && id < size)) throw new Error(`GatherV2: the index value ${id} is not in [0, ${size - 1}]`);
    }
    const count = ids.length;
    const out = backend.makeOutput([...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)], x.dtype);
    const where = backend.typedArrayFromHeap(indices); // after the allocation
    const { heap, start } = heapElements(backend, x.dtype);
    const from = start(x);
    for (let o = 0, to = start(out); o < outer; o++) {
      for (let i = 0; i < count; i++, to += inner) {
        const row = from + (o * size + where[i]!) * inner;
        heap.copyWithin(to, row, row + inner);
      }
    }
    return out;
  };
  return { ...stock, kernelName: GatherV2, backendName: WASM, kernelFunc: gatherV2 as unknown as KernelFunc };
}
