/**
 * One import that makes stock TF.js train on its WebAssembly backend, in any TF.js program:
 *
 *   import * as tf from '@tensorflow/tfjs';
 *   import '@tensorflow/tfjs-backend-wasm';
 *   import '@rosetta/tfjs-wasm/training-kernels';
 *   await tf.setBackend('wasm');
 *
 * @tensorflow/tfjs-backend-wasm 4.22 registers no Conv2DBackpropFilter (TF.js issue #8474) and
 * no UnsortedSegmentSum, so a conv net's or an embedding's gradient fails there; this adds both
 * and replaces the stock kernels that a training step spends its time in (README.md).
 */
import { registerTrainingKernels } from './register-training-kernels.js';

registerTrainingKernels();
