/**
 * TF.js on its pure JavaScript backend: the correctness reference. Three stock training
 * kernels are replaced by typed-array loops (src/kernels) that make a training step at
 * batch 64 take seconds instead of minutes; everything else is the stock backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import { version_cpu } from '@tensorflow/tfjs-backend-cpu';
import { describeFramework, type Framework } from '@rosetta/harness';
import { createTfjsBackend } from '@rosetta/tfjs';
import { registerFastKernels } from './register-fast-kernels.js';

export { FAST_KERNELS, registerFastKernels, stockKernel } from './register-fast-kernels.js';

export const framework: Framework = {
  name: 'tfjs-cpu',
  description: describeFramework('tfjs-cpu'),
  load: () => {
    registerFastKernels();
    return createTfjsBackend(tf, {
      framework: 'tfjs-cpu',
      backendName: 'cpu',
      device: 'cpu',
      versions: { '@tensorflow/tfjs-backend-cpu': version_cpu },
    });
  },
};
