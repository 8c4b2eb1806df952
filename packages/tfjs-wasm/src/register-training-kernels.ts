/**
 * Makes the wasm backend able to train the two SPEC models: adds the kernels it lacks and
 * replaces slow ones with faster ones. The replaced stock kernels stay
 * reachable from the replacements (for the cases those do not handle) and keep their
 * setup/dispose hooks, which bind the C functions when the backend initialises.
 */
import '@tensorflow/tfjs-backend-wasm';
import {
  BatchMatMul,
  Concat,
  Conv2DBackpropInput,
  GatherV2,
  Identity,
  MaxPoolGrad,
  Slice,
  SplitV,
  Sum,
  Transpose,
  Unpack,
  getKernel,
  registerKernel,
  unregisterKernel,
  type KernelConfig,
} from '@tensorflow/tfjs-core';
import { batchMatMulConfig } from './kernels/BatchMatMul.js';
import { concatConfig } from './kernels/Concat.js';
import { conv2DBackpropFilterConfig } from './kernels/Conv2DBackpropFilter.js';
import { conv2DBackpropInputConfig } from './kernels/Conv2DBackpropInput.js';
import { gatherV2Config } from './kernels/GatherV2.js';
import { identityConfig } from './kernels/Identity.js';
import { maxPoolGradConfig } from './kernels/MaxPoolGrad.js';
import { sliceConfig } from './kernels/Slice.js';
import { splitVConfig } from './kernels/SplitV.js';
import { sumConfig } from './kernels/Sum.js';
import { transposeConfig } from './kernels/Transpose.js';
import { unpackConfig } from './kernels/Unpack.js';
import { unsortedSegmentSumConfig } from './kernels/UnsortedSegmentSum.js';
import { WASM } from './kernels/wasm-kernel-calls.js';

const added: readonly KernelConfig[] = [conv2DBackpropFilterConfig, unsortedSegmentSumConfig];

const replaced: ReadonlyArray<readonly [string, (stock: KernelConfig) => KernelConfig]> = [
  [Conv2DBackpropInput, conv2DBackpropInputConfig],
  [BatchMatMul, batchMatMulConfig],
  [Concat, concatConfig],
  [GatherV2, gatherV2Config],
  [Identity, identityConfig],
  [MaxPoolGrad, maxPoolGradConfig],
  [Slice, sliceConfig],
  [SplitV, splitVConfig],
  [Sum, sumConfig],
  [Transpose, transposeConfig],
  [Unpack, unpackConfig],
];

/** What `registerTrainingKernels` changes, by kernel name: results name them. */
export const TRAINING_KERNELS = {
  added: added.map((config) => config.kernelName),
  replaced: replaced.map(([name]) => name),
} as const;

let registered = false;
const stockKernels = new Map<string, KernelConfig>();

/** The wasm backend's own kernel that a replacement took over from (for benchmarks). */
export function stockKernel(name: string): KernelConfig | undefined {
  return stockKernels.get(name);
}

/** Idempotent; call before training on `wasm`. */
export function registerTrainingKernels(): void {
  if (registered) return;
  for (const config of added) {
    if (getKernel(config.kernelName, WASM) !== undefined) {
      throw new Error(
        `tfjs-wasm: @tensorflow/tfjs-backend-wasm now registers '${config.kernelName}' itself; ` +
          `compare it with packages/tfjs-wasm/src/kernels/${config.kernelName}.ts before replacing it`,
      );
    }
    registerKernel(config);
  }
  for (const [name, replacement] of replaced) {
    const stock = getKernel(name, WASM);
    if (stock === undefined) throw new Error(`tfjs-wasm: the wasm backend has no '${name}' kernel to replace`);
    unregisterKernel(name, WASM);
    registerKernel(replacement(stock));
    stockKernels.set(name, stock);
  }
  registered = true;
}
