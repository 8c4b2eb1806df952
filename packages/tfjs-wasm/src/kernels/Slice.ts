/**
 * Slice on wasm without copying its whole input first. The stock kernel starts with
 * `backend.readSync(x)`, a copy of all of x out of the wasm heap, for every slice; Unpack
 * and SplitV slice the same tensor once per output, so the GRU's time-step unstack of
 * [150, 64, 125] copied 4.8 MB 150 times (0.4-0.6 s per training step). This kernel
 * copies only the runs the slice keeps, within the heap. It replaces the stock one in the
 * registry; string tensors (not on the heap) still go to the stock kernel.
 */
import {
  Slice,
  slice_util,
  util,
  type KernelConfig,
  type KernelFunc,
  type SliceAttrs,
  type SliceInputs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapElements, WASM, type HeapElements } from './wasm-kernel-calls.js';

/**
 * Copies x[begin : begin + size] (x row-major with `shape`, starting at `from` in `heap`)
 * to `to` in `heap`. The innermost axes the slice keeps whole, with the first one it cuts,
 * are one contiguous run per position of the outer axes, so the copy is one `copyWithin`
 * per run (a single one for a contiguous slice).
 */
export function copySlice(
  heap: HeapElements['heap'], from: number, shape: readonly number[], begin: readonly number[], size: readonly number[],
  to: number,
): void {
  const rank = shape.length;
  if (rank === 0) {
    heap.copyWithin(to, from, from + 1);
    return;
  }
  const strides = [...util.computeStrides([...shape]), 1];
  let cut = rank - 1;
  while (cut > 0 && size[cut] === shape[cut]) cut--;
  const run = size[cut]! * strides[cut]!;
  const index = new Array<number>(cut).fill(0); // position over the outer axes [0, cut)
  const outer = util.sizeFromShape(size.slice(0, cut));
  let offset = from;
  for (let axis = 0; axis <= cut; axis++) offset += begin[axis]! * strides[axis]!;
  for (let r = 0; r < outer; r++) {
    heap.copyWithin(to + r * run, offset, offset + run);
    // Advance the odometer over the outer axes and move the source offset with it.
    for (let axis = cut - 1; axis >= 0; axis--) {
      offset += strides[axis]!;
      if (++index[axis]! < size[axis]!) break;
      offset -= size[axis]! * strides[axis]!;
      index[axis] = 0;
    }
  }
}

/** `stock` is the wasm backend's own Slice, kept for string tensors. */
export function sliceConfig(stock: KernelConfig): KernelConfig {
  const slice = (args: { inputs: SliceInputs; backend: BackendWasm; attrs: SliceAttrs }): TensorInfo => {
    const { inputs, backend, attrs } = args;
    const x = inputs.x as TensorInfo;
    if (x.dtype === 'string') return stock.kernelFunc(args as never) as TensorInfo;
    const [begin, size] = slice_util.parseSliceParams(x, attrs.begin, attrs.size) as [number[], number[]];
    slice_util.assertParamsValid(x, begin, size);
    const out = backend.makeOutput(size, x.dtype);
    const { heap, start } = heapElements(backend, x.dtype); // after the allocation
    copySlice(heap, start(x), x.shape, begin, size, start(out));
    return out;
  };
  return { ...stock, kernelName: Slice, backendName: WASM, kernelFunc: slice as unknown as KernelFunc };
}

