/**
 * The GRU of SPEC.md as ONNX graphs: embedding, a GRU unrolled over the 150 time steps, the
 * dense head, the loss, its gradients and the Adam update, all nodes of one training graph.
 * Read it next to packages/tfjs/src/rnn.ts: the steps are the same, in the same order.
 */
import type { Batch } from '@rosetta/data';
import type { BuildOptions, ModelOptions, StepReporter } from '@rosetta/harness';
import {
  adamOptimizer, argMax, cast, dense, equal, gather, gru, reduceMean, softmaxCrossEntropy, transpose,
  DEFAULT_TARGET, type Optimizer, type Target, type Tensor,
} from '@rosetta/onnx-graph';
import { RNN_SPEC } from '@rosetta/spec';
import * as ort from 'onnxruntime-node';
import type { TrainingProgram } from './program.js';
import type { Provider } from './provider.js';
import { OrtModel, type BatchTensors, type TrainingBatch } from './model.js';
import { compileProgram, type Forward } from './training-graph.js';

// #region load data
// The shared iterator hands this backend int32 token ids [batch, 150] (the last 150 tokens
// of each review, padded with 0 at the end) and sparse int32 labels 0/1. ORT tensors over
// the batch's own buffers, no copy.
export function input(batch: Batch): BatchTensors {
  if (batch.kind !== 'tokens') throw new Error(`ONNX Runtime GRU: expected a token batch, got ${batch.kind}`);
  return { x: new ort.Tensor('int32', batch.x, batch.shape), y: new ort.Tensor('int32', batch.y, [batch.size]) };
}
// #endregion

// #region build model
// Embedding(30000, 125) -> GRU(100) -> Dense(2) logits, written as graph nodes on the
// parameter tensors `p`, the shared weights in their canonical layout. onnx-graph's `gru` is
// the classic GRU (SPEC.md's: the reset gate scales h before the recurrent product) unrolled
// over the 150 time steps from a zero state; only its last output is kept. The model has no
// dropout, so `options` change nothing here.
/** The forward pass: logits [batch, 2] of a token batch [batch, 150]. */
export function buildModel(options: BuildOptions): Forward<'rnn'> {
  return (tokens, p) => {
    // Time-major: [150, batch, 125] embeddings, so that step t is a slice along the first axis.
    const embedded = gather(p['embedding.weight'], transpose(tokens, [1, 0]));
    const h = gru(embedded, { kernel: p['gru.kernel'], recurrentKernel: p['gru.recurrentKernel'], bias: p['gru.bias'] });
    // Only the last time step's output feeds the classifier.
    return dense(h, p['dense.weight'], p['dense.bias']);
  };
}
// #endregion

// #region loss and optimiser
// Loss: softmax cross-entropy on the logits with the sparse labels, batch mean. Optimiser:
// Adam with bias correction. Both become graph nodes; the gradients between them come from
// onnx-graph's reverse-mode differentiation.
export const loss = softmaxCrossEntropy;

export function optimizer(): Optimizer {
  const { learningRate, beta1, beta2, epsilon } = RNN_SPEC.optimizer;
  return adamOptimizer({ learningRate, beta1, beta2, epsilon });
}
// #endregion

// #region train on mini-batches
// The training graph holds the whole step: buildModel, the loss, their gradients back through
// the unrolled time steps (onnx-graph's reverse-mode differentiation) and Adam's update,
// compiled once, before training, by `program` below. ONNX Runtime only runs graphs, so a step
// is one `run`: the batch and the current state (parameters, Adam's moments, step count) go
// in; the loss and the updated state come out, and the updated state is fed back in at the
// next run. A run of the chunk graph, an ONNX Loop over K stacked batches, takes K steps at once.
export async function trainStep(model: OrtModel, batch: TrainingBatch): Promise<Float32Array> {
  const { state } = model;
  const outputs = await batch.session.run({ x: batch.x, y: batch.y, ...state.tensors });
  // Every state tensor comes back updated under `next.<name>`: the next run's `<name>`.
  for (const name of Object.keys(state.tensors)) state.tensors[name] = outputs[state.names.next(name)]!;
  return outputs[state.names.loss]!.data as Float32Array; // one loss per step of the run
}

/** One epoch: a run per batch of the shared iterator, or per chunk of K of them, each run's losses reported. */
export async function trainEpoch(model: OrtModel, batches: Iterable<Batch>, report: StepReporter): Promise<void> {
  for (const batch of model.trainingBatches(batches)) report(await trainStep(model, batch));
}
// #endregion

// #region predict
// Logits [batch, 2]: one run of the inference graph (buildModel) on the current parameters.
export async function predict(model: OrtModel, batch: Batch): Promise<ort.Tensor> {
  const session = await model.inferenceSession(batch.size);
  const { logits } = await session.run({ x: input(batch).x, ...model.parameters() });
  return logits!;
}
// #endregion

// #region evaluate
// Accuracy over a batch: the share of reviews whose larger logit is their label, as graph
// nodes on the inference graph's logits. The harness averages it over the full test
// batches (OrtModel.evaluate runs the evaluation graph).
export function accuracy(logits: Tensor, labels: Tensor): Tensor {
  return reduceMean(cast(equal(argMax(logits, 1, { dtype: 'int32' }), labels), 'float32'), [0]);
}
// #endregion

/**
 * The graphs compiled from the steps above: the training graph (buildModel, loss, gradients,
 * optimiser), the inference graph of `predict` and the evaluation graph (`accuracy` on its
 * logits), from the shared weights.
 */
export function program(options: ModelOptions, target: Target = DEFAULT_TARGET): TrainingProgram {
  return compileProgram({
    model: 'rnn',
    input: { dtype: 'int32', shape: [RNN_SPEC.sequenceLength] },
    batchSize: options.batchSize ?? RNN_SPEC.batchSize,
    classes: RNN_SPEC.classes,
    weights: options.weights,
    forward: buildModel(options),
    loss,
    optimizer: optimizer(),
    accuracy,
    target,
  });
}

/** The GRU as the harness trains it: its graphs' sessions on `provider`. */
export function createModel(options: ModelOptions, provider: Provider): Promise<OrtModel> {
  return OrtModel.create(program(options, provider.target), { input, trainEpoch, predict }, provider, options);
}
