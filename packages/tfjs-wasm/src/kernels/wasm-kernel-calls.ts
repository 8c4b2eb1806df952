/**
 * The training kernels below are compositions of kernels the wasm backend already has.
 * They call those kernels the way TF.js backends call each other: through the kernel
 * registry with the same backend, on TensorInfos, and free every intermediate they make
 * (a kernel runs inside the engine, so nothing it allocates is tracked for it).
 */
import {
  getKernel,
  Transpose,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export const WASM = 'wasm';

/** Runs the kernel registered for `wasm` under `name`; it must return one tensor. */
export function callWasmKernel(
  name: string,
  inputs: NamedTensorInfoMap,
  backend: BackendWasm,
  attrs: NamedAttrMap = {},
): TensorInfo {
  const kernel = getKernel(name, WASM);
  if (kernel === undefined) {
    throw new Error(`tfjs-wasm training kernels: the wasm backend has no '${name}' kernel to build on`);
  }
  const out = kernel.kernelFunc({ inputs, backend, attrs });
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
