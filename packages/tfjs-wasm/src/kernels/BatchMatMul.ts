/**
 * BatchMatMul on wasm with a transpose flag set is slow: XNNPACK only serves products
 * without flags (and a batch of 1); the rest go to a scalar C loop (measured 348 ms for a
 * product that takes 28 ms in XNNPACK). Every weight gradient of a dense layer sets one
 * of the flags, so this override moves the transposes out of the product and calls the
 * stock kernel without flags. XNNPACK packs the right operand of every product it has not
 * seen before (all of a training step's), so the arrangement that transposes and packs
 * the fewest elements is chosen:
 *
 *   a^T b:    transpose a, then the product.
 *   a b^T:    transpose b, then the product; or, when a has fewer rows than b (a dense
 *             layer's input gradient, dy W^T: 64 rows against 6,400), (b a^T)^T, which
 *             transposes and packs a and the result instead of all of W.
 *   a^T b^T:  (b a)^T, one transpose of the result.
 *
 * Products without flags go to the stock kernel untouched; batched products with flags
 * (the scalar loop either way) get the explicit transposes.
 */
import {
  BatchMatMul,
  util,
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
  const noFlags = { transposeA: false, transposeB: false };
  const product = (a: TensorInfo, b: TensorInfo, backend: BackendWasm): TensorInfo =>
    stock.kernelFunc({ inputs: { a, b }, backend, attrs: noFlags }) as TensorInfo;
  /** Frees the transposed copies a product was made from; returns the product. */
  const using = (backend: BackendWasm, temporaries: TensorInfo[], out: TensorInfo): TensorInfo => {
    release(backend, ...temporaries);
    return out;
  };
  /** The transpose of a product, which is freed. */
  const transposed = (backend: BackendWasm, out: TensorInfo): TensorInfo => using(backend, [out], transposeLastTwo(out, backend));

  const batchMatMul = (args: { inputs: BatchMatMulInputs; backend: BackendWasm; attrs: BatchMatMulAttrs }): TensorInfo => {
    const { inputs, backend, attrs } = args;
    const { transposeA, transposeB } = attrs;
    if (!transposeA && !transposeB) return stock.kernelFunc(args as never) as TensorInfo;
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const batch = (t: TensorInfo) => util.sizeFromShape(t.shape.slice(0, -2));
    if (batch(a) > 1 || batch(b) > 1) {
      const aT = transposeA ? transposeLastTwo(a, backend) : a;
      const bT = transposeB ? transposeLastTwo(b, backend) : b;
      return using(backend, [aT, bT].filter((t) => t !== a && t !== b), product(aT, bT, backend));
    }
    if (transposeA && transposeB) return transposed(backend, product(b, a, backend));
    if (transposeA) {
      const aT = transposeLastTwo(a, backend);
      return using(backend, [aT], product(aT, b, backend));
    }
    // a [M, K] b^T with b [N, K]: moving b costs 2 N K (transpose, pack); the swapped
    // form moves a twice (M K each) and the result once (M N).
    const [m, k] = a.shape.slice(-2) as [number, number];
    const n = b.shape[b.shape.length - 2]!;
    if (2 * m * k + m * n < 2 * n * k) {
      const aT = transposeLastTwo(a, backend);
      return transposed(backend, using(backend, [aT], product(b, aT, backend)));
    }
    const bT = transposeLastTwo(b, backend);
    return using(backend, [bT], product(a, bT, backend));
  };
  return { ...stock, backendName: WASM, kernelFunc: batchMatMul as unknown as KernelFunc };
}
