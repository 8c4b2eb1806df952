/**
 * BatchMatMul on wasm with a transpose flag set is slow: measured 348 ms for a product
 * whose operands transposed explicitly first take 28 ms in the plain kernel. Every weight
 * gradient of a dense layer sets one of the flags, so this override transposes the flagged
 * operands with the wasm Transpose kernel and calls the stock kernel without flags.
 * Products without flags go to the stock kernel untouched.
 */
import {
  BatchMatMul,
  type BatchMatMulAttrs,
  type BatchMatMulInputs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { release, transposeLastTwo, WASM } from './wasm-kernel-calls.js';

/** `stock` is the wasm backend's own BatchMatMul, which this replaces in the registry. */
export function batchMatMulConfig(stock: KernelConfig): KernelConfig {
  const stockMatMul = stock.kernelFunc;
  const batchMatMul = (args: {
    inputs: BatchMatMulInputs;
    backend: BackendWasm;
    attrs: BatchMatMulAttrs;
  }): TensorInfo | TensorInfo[] => {
    const { inputs, backend, attrs } = args;
    if (!attrs.transposeA && !attrs.transposeB) return stockMatMul(args as never);
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const aT = attrs.transposeA ? transposeLastTwo(a, backend) : a;
    const bT = attrs.transposeB ? transposeLastTwo(b, backend) : b;
    const out = stockMatMul({
      inputs: { a: aT, b: bT },
      backend,
      attrs: { transposeA: false, transposeB: false },
    });
    if (aT !== a) release(backend, aT);
    if (bT !== b) release(backend, bT);
    return out;
  };
  return { ...stock, backendName: WASM, kernelFunc: batchMatMul as unknown as KernelFunc };
}
