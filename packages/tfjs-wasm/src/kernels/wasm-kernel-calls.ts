/**
 * The training kernels build on kernels the wasm backend already has. They call those
 * kernels the way TF.js backends call each other: through the kernel registry with the
 * same backend, on TensorInfos, and free every intermediate they make (a kernel runs
 * inside the engine, so nothing it allocates is tracked for it). Some hand a stock kernel
 * a window of a tensor's memory instead of a copy (`heapView`).
 */
import {
  getKernel,
  Transpose,
  util,
  type DataType,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export const WASM = 'wasm';

/**
 * Runs the kernel registered for `wasm` under `name`; it must return one tensor. Kernels
 * of a variable number of inputs (AddN, Concat) take them as an array.
 */
export function callWasmKernel(
  name: string,
  inputs: NamedTensorInfoMap | TensorInfo[],
  backend: BackendWasm,
  attrs: NamedAttrMap = {},
): TensorInfo {
  const kernel = getKernel(name, WASM);
  if (kernel === undefined) {
    throw new Error(`tfjs-wasm training kernels: the wasm backend has no '${name}' kernel to build on`);
  }
  const out = kernel.kernelFunc({ inputs: inputs as NamedTensorInfoMap, backend, attrs });
  if (Array.isArray(out)) {
    throw new Error(`tfjs-wasm training kernels: '${name}' returned ${out.length} tensors, expected one`);
  }
  return out;
}

export function transpose(x: TensorInfo, perm: number[], backend: BackendWasm): TensorInfo {
  return callWasmKernel(Transpose, { x }, backend, { perm });
}

/** Swaps the last two axes, as a matmul transpose flag would. */
export function transposeLastTwo(x: TensorInfo, backend: BackendWasm): TensorInfo {
  const rank = x.shape.length;
  const perm = [...Array(rank).keys()];
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return transpose(x, perm, backend);
}

/** Frees intermediates; the kernel's own inputs are never passed here. */
export function release(backend: BackendWasm, ...infos: TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/**
 * A tensor over part of another tensor's wasm memory, to hand a window of it to a stock
 * kernel without copying it: `makeOutput` with a memory offset registers a data id for
 * memory the backend does not own. `offset` and `shape` count elements of `base`'s dtype.
 * The view must be released with `releaseView` (never `release`) before `base` is freed.
 */
export function heapView(backend: BackendWasm, base: TensorInfo, offset: number, shape: number[]): TensorInfo {
  const end = offset + util.sizeFromShape(shape);
  const baseSize = util.sizeFromShape(base.shape);
  if (offset < 0 || end > baseSize) {
    throw new Error(`tfjs-wasm training kernels: view [${offset}, ${end}) lies outside its base of ${baseSize} elements`);
  }
  const { memoryOffset } = backend.dataIdMap.get(base.dataId)!;
  return backend.makeOutput(shape, base.dtype, memoryOffset + offset * util.bytesPerElement(base.dtype));
}

/**
 * Unregisters a view without freeing the memory it points into. Unregistering also drops
 * the XNNPACK operators the C side cached for that data id (weights packed from it).
 */
export function releaseView(backend: BackendWasm, view: TensorInfo): void {
  const { id } = backend.dataIdMap.get(view.dataId)!;
  backend.wasm.tfjs.disposeData(id);
  backend.dataIdMap.delete(view.dataId);
}

/** The wasm heap as elements of one dtype, and where tensors start in it. */
export interface HeapElements {
  readonly heap: Float32Array | Int32Array | Uint8Array;
  /** Index in `heap` of the tensor's first element. */
  readonly start: (info: TensorInfo) => number;
}

/**
 * Kernels that only move values (slices, gathers, transposes) copy them with
 * `heap.copyWithin` on one view of the whole heap. `set` of a `subarray` allocates a view
 * per copied run, and on the shared heap of the threaded build those allocations made
 * 30,000 row copies cost 4 to 95 ms (garbage collection) against 2 to 6 ms. Take the view
 * after every allocation of the kernel: an allocation may grow the heap and leave older
 * views short (or, single-threaded, detached).
 */
export function heapElements(backend: BackendWasm, dtype: DataType): HeapElements {
  // HEAPU8 is the Emscripten module's; its typings are not loaded (tsconfig types: node).
  const { buffer } = (backend.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8;
  let heap: HeapElements['heap'];
  if (dtype === 'float32') heap = new Float32Array(buffer);
  else if (dtype === 'int32') heap = new Int32Array(buffer);
  else if (dtype === 'bool') heap = new Uint8Array(buffer);
  else throw new Error(`tfjs-wasm training kernels: no heap view for ${dtype} tensors`);
  return { heap, start: (info) => backend.dataIdMap.get(info.dataId)!.memoryOffset / heap.BYTES_PER_ELEMENT };
}
