/**
 * For tests and benchmarks: run a kernel as registered now (the fast one once
 * registerFastKernels ran) or as the cpu backend shipped it, on the active cpu backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { stockKernel } from '../register-fast-kernels.js';

export interface KernelCall {
  readonly inputs: Record<string, tf.Tensor>;
  readonly attrs: tf.NamedAttrMap;
}

/** Outputs of the stock kernel, read back and freed. */
export function runStock(name: string, call: KernelCall): tf.TypedArray[] {
  const stock = stockKernel(name);
  if (stock === undefined) throw new Error(`tfjs-cpu testing: no stock '${name}' kept; call registerFastKernels first`);
  const backend = tf.backend() as MathBackendCPU;
  const out = stock.kernelFunc({ inputs: call.inputs, backend, attrs: call.attrs });
  const infos = Array.isArray(out) ? out : [out];
  return infos.map((info) => {
    const data = backend.readSync(info.dataId) as tf.TypedArray;
    backend.disposeData(info.dataId);
    return data;
  });
}

/** Outputs of the kernel registered now, through the engine. */
export function runCurrent(name: string, call: KernelCall): tf.TypedArray[] {
  const out = tf.engine().runKernel(name, call.inputs, call.attrs) as tf.Tensor | tf.Tensor[];
  const tensors = Array.isArray(out) ? out : [out];
  return tensors.map((t) => {
    const data = t.dataSync() as tf.TypedArray;
    t.dispose();
    return data;
  });
}
