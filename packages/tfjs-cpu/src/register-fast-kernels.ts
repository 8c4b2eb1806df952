/**
 * Replaces the three stock cpu kernels that make training steps of the SPEC models take
 * minutes (see src/kernels). The stock ones stay reachable for benchmarks and tests.
 */
import '@tensorflow/tfjs-backend-cpu';
import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { conv2DBackpropFilterConfig } from './kernels/Conv2DBackpropFilter.js';
import { CPU } from './kernels/cpu-values.js';
import { splitVConfig } from './kernels/SplitV.js';
import { unsortedSegmentSumConfig } from './kernels/UnsortedSegmentSum.js';

export const FAST_KERNELS: readonly KernelConfig[] = [conv2DBackpropFilterConfig, unsortedSegmentSumConfig, splitVConfig];

const stockKernels = new Map<string, KernelConfig>();

/** The cpu backend's own kernel that a fast one replaced (undefined before registration). */
export function stockKernel(name: string): KernelConfig | undefined {
  return stockKernels.get(name);
}

/** Idempotent; call before training on `cpu`. */
export function registerFastKernels(): void {
  for (const config of FAST_KERNELS) {
    const current = getKernel(config.kernelName, CPU);
    if (current === config) continue;
    if (current === undefined) {
      throw new Error(`tfjs-cpu: the cpu backend has no '${config.kernelName}' kernel to replace`);
    }
    unregisterKernel(config.kernelName, CPU);
    registerKernel(config);
    stockKernels.set(config.kernelName, current);
  }
}
