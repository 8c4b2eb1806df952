/**
 * The VGG-style CNN of SPEC.md on CIFAR-10, written with the TF.js Layers API. It runs
 * unchanged on every TF.js backend (cpu, wasm, tensorflow); the backend packages only
 * choose which one is active.
 *
 * The steps follow the notebook order shared with the ONNX Runtime version
 * (packages/onnxruntime/src/cnn.ts), marked with #region lines for the notebooks.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Batch } from '@rosetta/data';
import { CNN_SPEC, type ModelOptions } from '@rosetta/harness';
import { TfjsClassifier } from './classifier.js';
import { CNN_BINDINGS } from './layout.js';
import { setCanonicalWeights } from './layer-weights.js';

// #region load data
// The shared iterator hands over float32 pixels already divided by 255, in TF.js's
// native NHWC layout, and sparse int32 labels (loss and optimiser). One tensor per batch,
// made on the active backend straight from the batch's typed array.
export function cnnInput(batch: Batch): tf.Tensor4D {
  if (batch.kind !== 'image' || batch.layout !== 'NHWC') {
    throw new Error(`TF.js CNN: expected an NHWC image batch, got ${batch.kind === 'image' ? batch.layout : batch.kind}`);
  }
  return tf.tensor4d(batch.x, [...batch.shape]);
}
// #endregion

// #region build model
// Two VGG blocks (conv 3x3 same + ReLU, twice; max-pool 2x2; dropout 0.25), then
// flatten, dense 512 + ReLU, dropout 0.5 and a dense layer of 10 logits (no softmax:
// the loss works on logits). Glorot-uniform kernels and zero biases, as SPEC.md says;
// `createCnn` then overwrites them with the shared seeded weights. Without dropout (for
// parity runs) the dropout layers are left out, which is exactly what they compute in
// inference mode.
export function buildCnn(options: { dropout: boolean }): tfl.Sequential {
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
// Loss: softmax cross-entropy on the logits with the sparse labels, batch mean
// (loss.ts, shared with the GRU). Optimiser: SGD with momentum 0.9 and no unit gain.
// TF.js's MomentumOptimizer computes v = momentum * v + g; w = w - lr * v, which is
// SPEC.md's formula (Nesterov off).
export function cnnOptimizer(): tf.MomentumOptimizer {
  const { learningRate, momentum } = CNN_SPEC.optimizer;
  return tf.train.momentum(learningRate, momentum, false);
}
// #endregion

// #region train on mini-batches
// One optimiser step per batch, in the iterator's order: forward in training mode,
// loss, gradients, update, then read the loss, which is the point where the step is
// known to be done (TfjsClassifier.trainEpoch in classifier.ts, shared with the GRU).
// #endregion

// #region predict
// Logits in inference mode, dropout off: TfjsClassifier.predict (classifier.ts).
// #endregion

// #region evaluate
// Evaluation is done by the shared harness for every framework:
// accuracy = mean(argmax(logits) == label) over the full test batches.
// #endregion

/** The CNN as the harness trains it, starting from the shared seeded weights. */
export function createCnn(options: ModelOptions, backendName: string): TfjsClassifier {
  const model = buildCnn({ dropout: options.dropout });
  setCanonicalWeights(model, CNN_BINDINGS, options.weights);
  return new TfjsClassifier({ model, optimizer: cnnOptimizer(), bindings: CNN_BINDINGS, input: cnnInput, backendName });
}
