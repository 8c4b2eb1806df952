/**
 * The GRU of SPEC.md on IMDB reviews, written with the TF.js Layers API. It runs
 * unchanged on every TF.js backend (cpu, wasm, tensorflow); the backend packages only
 * choose which one is active.
 *
 * The steps follow the notebook order shared with the ONNX Runtime version
 * (packages/onnxruntime/src/rnn.ts), marked with #region lines for the notebooks.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Batch } from '@rosetta/data';
import { RNN_SPEC, type ModelOptions } from '@rosetta/harness';
import { TfjsClassifier } from './classifier.js';
import { RNN_BINDINGS } from './layout.js';
import { setCanonicalWeights } from './layer-weights.js';

// #region load data
// The shared iterator hands over int32 token ids [batch, 150] (the last 150 tokens of
// each review, padded with 0 at the end) and sparse int32 labels 0/1. One tensor per
// batch, made on the active backend straight from the batch's typed array.
export function rnnInput(batch: Batch): tf.Tensor2D {
  if (batch.kind !== 'tokens') throw new Error(`TF.js GRU: expected a token batch, got ${batch.kind}`);
  return tf.tensor2d(batch.x, [...batch.shape], 'int32');
}
// #endregion

// #region build model
// Embedding(30000, 125) -> GRU(100) -> Dense(2) logits. The GRU keeps only its last
// output (returnSequences false) and starts from a zero state. Its recurrent activation
// must be set to sigmoid: TF.js defaults to hard sigmoid. TF.js implements only the
// classic GRU (reset gate applied before the recurrent matmul, Keras reset_after =
// false), which is SPEC.md's variant. Glorot-uniform kernels (the recurrent one too, as
// the shared initialiser draws it), zero biases, embedding uniform(-0.05, 0.05);
// `createRnn` then overwrites them with the shared seeded weights. The model has no
// dropout, so `ModelOptions.dropout` changes nothing here.
export function buildRnn(): tfl.Sequential {
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
// Loss: softmax cross-entropy on the logits with the sparse labels, batch mean
// (loss.ts, shared with the CNN). Optimiser: Adam with bias correction; epsilon is
// passed explicitly because TF.js defaults it to 1e-7 and SPEC.md says 1e-8.
export function rnnOptimizer(): tf.AdamOptimizer {
  const { learningRate, beta1, beta2, epsilon } = RNN_SPEC.optimizer;
  return tf.train.adam(learningRate, beta1, beta2, epsilon);
}
// #endregion

// #region train on mini-batches
// One optimiser step per batch, in the iterator's order: forward in training mode,
// loss, gradients, update, then read the loss, which is the point where the step is
// known to be done (TfjsClassifier.trainEpoch in classifier.ts, shared with the CNN).
// TF.js unrolls the 150 time steps in JavaScript, forward and backward.
// #endregion

// #region predict
// Logits of the last time step's output: TfjsClassifier.predict (classifier.ts).
// #endregion

// #region evaluate
// Evaluation is done by the shared harness for every framework:
// accuracy = mean(argmax(logits) == label) over the full test batches.
// #endregion

/** The GRU as the harness trains it, starting from the shared seeded weights. */
export function createRnn(options: ModelOptions, backendName: string): TfjsClassifier {
  const model = buildRnn();
  setCanonicalWeights(model, RNN_BINDINGS, options.weights);
  return new TfjsClassifier({ model, optimizer: rnnOptimizer(), bindings: RNN_BINDINGS, input: rnnInput, backendName });
}
