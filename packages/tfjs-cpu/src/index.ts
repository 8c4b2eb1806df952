/**
 * TF.js on its pure JavaScript backend: the correctness reference for small runs. Its
 * stock training kernels are slow (the filter gradient of a convolution most of all), so
 * full training runs belong to tfjs-wasm and tfjs-node-gpu.
 */
import * as tf from '@tensorflow/tfjs-core';
import { version_cpu } from '@tensorflow/tfjs-backend-cpu';
import type { Framework } from '@rosetta/harness';
import { createTfjsBackend } from '@rosetta/tfjs';

export const framework: Framework = {
  name: 'tfjs-cpu',
  description: 'TensorFlow.js plain JavaScript backend: the slow correctness reference',
  load: () =>
    createTfjsBackend(tf, {
      framework: 'tfjs-cpu',
      backendName: 'cpu',
      device: 'cpu',
      versions: { '@tensorflow/tfjs-backend-cpu': version_cpu },
    }),
};
