/**
 * The GRU of SPEC.md on IMDB reviews, written with the TF.js Layers API. It runs
 * unchanged on every TF.js backend (cpu, wasm, tensorflow, webgpu); the backend packages
 * only choose which one is active.
 *
 * The steps follow the notebook order shared with the ONNX Runtime version
 * (packages/onnxruntime/src/rnn.ts), marked with #region lines for the notebooks.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Batch } from '@rosetta/data';
import type { BuildOptions, ModelOptions, StepReporter } from '@rosetta/harness';
import { RNN_SPEC } from '@rosetta/spec';
import { RNN_BINDINGS } from './layout.js';
import { setCanonicalWeights } from './layer-weights.js';
import { sparseSoftmaxCrossEntropy } from './loss.js';
import { activateBackend, TfjsModel } from './model.js';

// #region load data
// The shared iterator hands over int32 token ids [batch, 150] (the last 150 tokens of
// each review, padded with 0 at the end) and sparse int32 labels 0/1. Tensors on the
// active backend, made straight from the batch's typed arrays.
export function input(batch: Batch): { x: tf.Tensor2D; y: tf.Tensor1D } {
  if (batch.kind !== 'tokens') throw new Error(`TF.js GRU: expected a token batch, got ${batch.kind}`);
  return { x: tf.tensor2d(batch.x, [...batch.shape], 'int32'), y: tf.tensor1d(batch.y, 'int32') };
}
// #endregion

// #region build model
// Embedding(30000, 125) -> GRU(100) -> Dense(2) logits. The GRU keeps only its last
// output (returnSequences false) and starts from a zero state. Its recurrent activation
// must be set to sigmoid: TF.js defaults to hard sigmoid. TF.js implements only the
// classic GRU (reset gate applied before the recurrent matmul, Keras reset_after =
// false), which is SPEC.md's variant. Glorot-uniform kernels (the recurrent one too, as
// the shared initialiser draws it), zero biases, embedding uniform(-0.05, 0.05);
// `createModel` then overwrites them with the shared seeded weights. The model has no
// dropout, so `options` change nothing here.
export function buildModel(options: BuildOptions): tfl.Sequential {
  const { vocabularySize, sequenceLength, embeddingSize, units, classes, embeddingInitLimit } = RNN_SPEC;
  const model = tfl.sequential();
  model.add(
    tfl.layers.embedding({
      name: 'embedding',
      inputDim: vocabularySize,
      outputDim: embeddingSize,
      inputLength: sequenceLength,
      embeddingsInitializer: tfl.initializers.randomUniform({ minval: -embeddingInitLimit, maxval: embeddingInitLimit }),
    }),
  );
  model.add(
    tfl.layers.gru({
      name: 'gru',
      units,
      activation: 'tanh',
      recurrentActivation: 'sigmoid',
      returnSequences: false,
      kernelInitializer: 'glorotUniform',
      recurrentInitializer: 'glorotUniform',
      biasInitializer: 'zeros',
    }),
  );
  model.add(tfl.layers.dense({ name: 'dense', units: classes, kernelInitializer: 'glorotUniform' }));
  return model;
}
// #endregion

// #region loss and optimiser
// Loss: softmax cross-entropy on the logits with the sparse labels, batch mean (loss.ts,
// shared with the CNN: TF.js has no sparse variant). Optimiser: Adam with bias
// correction; epsilon is passed explicitly because TF.js defaults it to 1e-7 and SPEC.md
// says 1e-8.
export const loss = sparseSoftmaxCrossEntropy;

export function optimizer(): tf.AdamOptimizer {
  const { learningRate, beta1, beta2, epsilon } = RNN_SPEC.optimizer;
  return tf.train.adam(learningRate, beta1, beta2, epsilon);
}
// #endregion

// #region train on mini-batches
// One optimiser step per batch, in the iterator's order. `minimize` runs the forward pass and
// the loss on a gradient tape, takes the gradients of the loss with respect to the model's
// trainable variables, and applies Adam's update to them; `true` hands the loss back. TF.js
// unrolls the time steps in JavaScript, forward and backward.
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
// Logits [batch, 2] from the GRU's last output.
export async function predict(model: TfjsModel, batch: Batch): Promise<tf.Tensor2D> {
  return tf.tidy(() => model.network.predict(input(batch).x, { batchSize: batch.size }) as tf.Tensor2D);
}
// #endregion

// #region evaluate
// Accuracy over a batch: the share of reviews whose larger logit is their label. The
// harness averages it over the full test batches (TfjsModel.evaluate).
export function accuracy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32')));
}
// #endregion

/** The GRU as the harness trains it on the TF.js backend `backendName`, from the shared seeded weights. */
export async function createModel(options: ModelOptions, backendName: string): Promise<TfjsModel> {
  await activateBackend(backendName); // the variables are made on the active backend
  const network = buildModel(options);
  setCanonicalWeights(network, RNN_BINDINGS, options.weights);
  return new TfjsModel({ network, optimizer: optimizer(), bindings: RNN_BINDINGS, steps: { trainStep, trainEpoch, predict, accuracy }, backendName });
}
