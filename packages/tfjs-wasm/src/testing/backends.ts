/**
 * Runs one kernel on the `wasm` backend (as training sets it up) and on the `cpu` backend,
 * from the same typed arrays. Every tensor is created on the backend that computes with
 * it: a cpu tensor moved to wasm can come out wrong (measured: an int32 -> float32 cast
 * on cpu read as garbage on wasm).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { startWasm, stopWasm, type WasmRuntime } from '../wasm-runtime.js';

export type BackendName = 'wasm' | 'cpu';

export interface HostTensor {
  readonly data: Float32Array | Int32Array;
  readonly shape: readonly number[];
}

export function startBackends(): Promise<WasmRuntime> {
  return startWasm();
}

export const stopBackends = stopWasm;

export async function runKernel(
  backend: BackendName,
  kernelName: string,
  inputs: Readonly<Record<string, HostTensor>>,
  attrs: object,
): Promise<HostTensor> {
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} is not available`);
  const tensors = Object.fromEntries(
    Object.entries(inputs).map(([name, t]) => [name, tf.tensor(t.data, [...t.shape])]),
  );
  try {
    const out = tf.engine().runKernel(kernelName, tensors, attrs as tf.NamedAttrMap) as tf.Tensor;
    const data = (await out.data()) as Float32Array | Int32Array;
    const shape = out.shape;
    out.dispose();
    return { data, shape };
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
  }
}

export function wasmBackend(): BackendWasm {
  return tf.findBackend('wasm') as BackendWasm;
}

/** Deterministic uniform(-1, 1) data (a small LCG: tests must not depend on Math.random). */
export function uniform(shape: readonly number[], seed: number): HostTensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    data[i] = state / 2 ** 31 - 1;
  }
  return { data, shape };
}

/** Size of the wasm heap (the Emscripten typings are not loaded: tsconfig types is ["node"]). */
export function wasmHeapBytes(): number {
  return (wasmBackend().wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8.byteLength;
}
