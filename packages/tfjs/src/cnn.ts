/**
 * The VGG-style CNN of SPEC.md on CIFAR-10, written with the TF.js Layers API. It runs
 * unchanged on every TF.js backend (cpu, wasm, tensorflow, webgpu); the backend packages
 * only choose which one is active.
 *
 * The steps follow the notebook order shared with the ONNX Runtime version
 * (packages/onnxruntime/src/cnn.ts), marked with #region lines for the notebooks.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Batch } from '@rosetta/data';
import type { BuildOptions, ModelOptions, StepReporter } from '@rosetta/harness';
import { CNN_SPEC } from '@rosetta/spec';
import { CNN_BINDINGS } from './layout.js';
import { setCanonicalWeights } from './layer-weights.js';
import { sparseSoftmaxCrossEntropy } from './loss.js';
import { activateBackend, TfjsModel } from './model.js';

// #region load data
// The shared iterator hands over float32 pixels already divided by 255, in TF.js's
// native NHWC layout, and sparse int32 labels. Tensors on the active backend, made straight
// from the batch's typed arrays.
export function input(batch: Batch): { x: tf.Tensor4D; y: tf.Tensor1D } {
  if (batch.kind !== 'image' || batch.layout !== 'NHWC') {
    throw new Error(`TF.js CNN: expected an NHWC image batch, got ${batch.kind === 'image' ? batch.layout : batch.kind}`);
  }
  return { x: tf.tensor4d(batch.x, [...batch.shape]), y: tf.tensor1d(batch.y, 'int32') };
}
// #endregion

// #region build model
// Two VGG blocks (conv 3x3 same + ReLU, twice; max-pool 2x2; dropout 0.25), then
// flatten, dense 512 + ReLU, dropout 0.5 and a dense layer of 10 logits (no softmax:
// the loss works on logits). Glorot-uniform kernels and zero biases, as SPEC.md says;
// `createModel` then overwrites them with the shared seeded weights. Without dropout (for
// parity runs) the dropout layers are left out, which is exactly what they compute in
// inference mode. `options.seed` goes unused (TFJS_DEVIATIONS in backend.ts says why).
export function buildModel(options: BuildOptions): tfl.Sequential {
  const { imageSize, channels, kernelSize, poolSize, blockFilters, denseUnits, classes } = CNN_SPEC;
  const model = tfl.sequential();
  const conv = (name: string, filters: number, inputShape?: number[]): tfl.layers.Layer =>
    tfl.layers.conv2d({
      name,
      filters,
      kernelSize,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: 'glorotUniform',
      biasInitializer: 'zeros',
      ...(inputShape ? { inputShape } : {}),
    });
  const dropout = (rate: number): void => {
    if (options.dropout) model.add(tfl.layers.dropout({ rate }));
  };

  model.add(conv('conv1', blockFilters[0], [imageSize, imageSize, channels]));
  model.add(conv('conv2', blockFilters[0]));
  model.add(tfl.layers.maxPooling2d({ poolSize, strides: poolSize }));
  dropout(CNN_SPEC.convDropout);

  model.add(conv('conv3', blockFilters[1]));
  model.add(conv('conv4', blockFilters[1]));
  model.add(tfl.layers.maxPooling2d({ poolSize, strides: poolSize }));
  dropout(CNN_SPEC.convDropout);

  model.add(tfl.layers.flatten());
  model.add(
    tfl.layers.dense({ name: 'dense1', units: denseUnits, activation: 'relu', kernelInitializer: 'glorotUniform' }),
  );
  dropout(CNN_SPEC.denseDropout);
  model.add(tfl.layers.dense({ name: 'dense2', units: classes, kernelInitializer: 'glorotUniform' }));
  return model;
}
// #endregion

// #region loss and optimiser
// Loss: softmax cross-entropy on the logits with the sparse labels, batch mean (loss.ts,
// shared with the GRU: TF.js has no sparse variant). Optimiser: SGD with momentum and no
// unit gain. TF.js's MomentumOptimizer computes v = momentum * v + g; w = w - lr * v,
// which is SPEC.md's formula (Nesterov off).
export const loss = sparseSoftmaxCrossEntropy;

export function optimizer(): tf.MomentumOptimizer {
  const { learningRate, momentum } = CNN_SPEC.optimizer;
  return tf.train.momentum(learningRate, momentum, false);
}
// #endregion

// #region train on mini-batches
// One optimiser step per batch, in the iterator's order. `minimize` runs the forward pass in
// training mode (dropout on) and the loss on a gradient tape, takes the gradients of the loss
// with respect to the model's trainable variables, and applies the optimiser's update to
// them; `true` hands the loss back.
export async function trainStep(model: TfjsModel, batch: Batch): Promise<Float32Array> {
  const lossValue = tf.tidy(() => {
    const { x, y } = input(batch);
    // The variables to train, named: without the list TF.js takes every trainable variable
    // alive in the process, another model's too.
    const variables = model.network.trainableWeights.map((w) => w.read() as tf.Variable);
    return model.optimizer.minimize(() => loss(model.network.apply(x, { training: true }) as tf.Tensor2D, y), true, variables)!;
  });
  // Reading the loss waits for the step: it is done when its loss is known. The read is
  // asynchronous because a GPU backend (webgpu) cannot read synchronously in Node.js.
  const value = (await lossValue.data()) as Float32Array;
  lossValue.dispose();
  return value;
}

/** One epoch: a step on each batch of the shared iterator, each loss reported as it is known. */
export async function trainEpoch(model: TfjsModel, batches: Iterable<Batch>, report: StepReporter): Promise<void> {
  for (const batch of batches) report(await trainStep(model, batch));
}
// #endregion

// #region predict
// Logits [batch, 10] in inference mode: the dropout layers pass their input through.
export async function predict(model: TfjsModel, batch: Batch): Promise<tf.Tensor2D> {
  return tf.tidy(() => model.network.predict(input(batch).x, { batchSize: batch.size }) as tf.Tensor2D);
}
// #endregion

// #region evaluate
// Accuracy over a batch: the share of images whose largest logit is their label. The
// harness averages it over the full test batches (TfjsModel.evaluate).
export function accuracy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32')));
}
// #endregion

/** The CNN as the harness trains it on the TF.js backend `backendName`, from the shared seeded weights. */
export async function createModel(options: ModelOptions, backendName: string): Promise<TfjsModel> {
  await activateBackend(backendName); // the variables are made on the active backend
  const network = buildModel(options);
  setCanonicalWeights(network, CNN_BINDINGS, options.weights);
  return new TfjsModel({ network, optimizer: optimizer(), bindings: CNN_BINDINGS, steps: { trainStep, trainEpoch, predict, accuracy }, backendName });
}
