import { describe, expect, it } from 'vitest';
import { getKernel } from '@tensorflow/tfjs-core';
import { FAST_KERNELS, registerFastKernels, stockKernel } from './register-fast-kernels.js';

describe('registerFastKernels', () => {
  it('replaces the three cpu kernels once and keeps the stock ones', () => {
    const before = FAST_KERNELS.map((k) => getKernel(k.kernelName, 'cpu'));
    registerFastKernels();
    registerFastKernels(); // a second load() must not wrap or lose the stock kernels
    FAST_KERNELS.forEach((config, i) => {
      expect(getKernel(config.kernelName, 'cpu')).toBe(config);
      expect(stockKernel(config.kernelName)).toBe(before[i]);
      expect(before[i]).not.toBe(config);
    });
  });
});
