/**
 * The VGG-style CNN of SPEC.md as ONNX graphs: forward, loss, gradients and the SGD-momentum
 * update are all nodes of one training graph, generated here and run by ONNX Runtime.
 * Read it next to packages/tfjs/src/cnn.ts: the steps are the same, in the same order.
 */
import type { Batch } from '@rosetta/data';
import type { BuildOptions, ModelOptions, StepReporter } from '@rosetta/harness';
import {
  argMax, cast, conv2d, dense, dropout, equal, flatten, maxPool, reduceMean, relu, sgdMomentumOptimizer, softmaxCrossEntropy,
  DEFAULT_TARGET, type Optimizer, type Target, type Tensor,
} from '@rosetta/onnx-graph';
import { CNN_SPEC } from '@rosetta/spec';
import * as ort from 'onnxruntime-node';
import type { TrainingProgram } from './program.js';
import type { Provider } from './provider.js';
import { OrtModel, type BatchTensors, type TrainingBatch } from './model.js';
import { compileProgram, type Forward, type Parameters } from './training-graph.js';

// #region load data
// The shared iterator hands this backend float32 pixels already divided by 255, in ONNX
// Conv's native NCHW layout, and sparse int32 labels. ORT tensors over the batch's own
// buffers, no copy.
export function input(batch: Batch): BatchTensors {
  if (batch.kind !== 'image' || batch.layout !== 'NCHW') {
    throw new Error(`ONNX Runtime CNN: expected an NCHW image batch, got ${batch.kind === 'image' ? batch.layout : batch.kind}`);
  }
  return { x: new ort.Tensor('float32', batch.x, batch.shape), y: new ort.Tensor('int32', batch.y, [batch.size]) };
}
// #endregion

// #region build model
// Two VGG blocks (conv 3x3 "same" + ReLU, twice; max-pool 2x2; dropout 0.25), then
// flatten, dense 512 + ReLU, dropout 0.5 and a dense layer of 10 logits (no softmax: the
// loss works on logits), written as graph nodes on the parameter tensors `p`, which are
// the shared weights in their canonical layout (OIHW kernels, dense kernels [in, out]).
// The training graph's dropout draws a new mask at every step, from the model's seed and, where
// the provider has no Dropout kernel, the step's number; the inference graphs (no step) and a
// model built without dropout (parity runs) leave it out.
type Conv = 'conv1' | 'conv2' | 'conv3' | 'conv4';

function vggBlock(x: Tensor, p: Parameters<'cnn'>, first: Conv, second: Conv): Tensor {
  const h = relu(conv2d(x, p[`${first}.weight`], p[`${first}.bias`]));
  // The second ReLU after the max-pool rather than before: the same values (the maximum of
  // ReLUs is the ReLU of the maximum) and the same gradient, on a quarter of the elements.
  return relu(maxPool(conv2d(h, p[`${second}.weight`], p[`${second}.bias`]), { kernelShape: [CNN_SPEC.poolSize, CNN_SPEC.poolSize] }));
}

/** The forward pass: logits [batch, 10] of an NCHW batch x. */
export function buildModel(options: BuildOptions): Forward<'cnn'> {
  return (x, p, step) => {
    const drop = (h: Tensor, rate: number, seed: number): Tensor =>
      dropout(h, rate, { training: step !== null && options.dropout, seed, ...(step && { step }) });
    const block1 = drop(vggBlock(x, p, 'conv1', 'conv2'), CNN_SPEC.convDropout, options.seed);
    const block2 = drop(vggBlock(block1, p, 'conv3', 'conv4'), CNN_SPEC.convDropout, options.seed + 1);
    // ONNX Flatten of NCHW is the (channel, row, column) order of the canonical dense1 rows.
    const hidden = relu(dense(flatten(block2), p['dense1.weight'], p['dense1.bias']));
    return dense(drop(hidden, CNN_SPEC.denseDropout, options.seed + 2), p['dense2.weight'], p['dense2.bias']);
  };
}
// #endregion

// #region loss and optimiser
// Loss: softmax cross-entropy on the logits with the sparse labels, batch mean. Optimiser:
// SGD with momentum and no unit gain (v = momentum v + g; w = w - lr v). Both become graph
// nodes; the gradients between them come from onnx-graph's reverse-mode differentiation.
export const loss = softmaxCrossEntropy;

export function optimizer(): Optimizer {
  const { learningRate, momentum } = CNN_SPEC.optimizer;
  return sgdMomentumOptimizer({ learningRate, momentum });
}
// #endregion

// #region train on mini-batches
// The training graph holds the whole step: buildModel in training mode, the loss, their
// gradients (onnx-graph's reverse-mode differentiation) and the optimiser's update, compiled
// once, before training, by `program` below. ONNX Runtime only runs graphs, so a step is one
// `run`: the batch and the current state (parameters, momentum, step count) go in; the loss
// and the updated state come out, and the updated state is fed back in at the next run. A run
// of the chunk graph, an ONNX Loop over K stacked batches, takes K steps at once.
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
// Logits [batch, 10]: one run of the inference graph (buildModel with dropout off) on the
// current parameters.
export async function predict(model: OrtModel, batch: Batch): Promise<ort.Tensor> {
  const session = await model.inferenceSession(batch.size);
  const { logits } = await session.run({ x: input(batch).x, ...model.parameters() });
  return logits!;
}
// #endregion

// #region evaluate
// Accuracy over a batch: the share of images whose largest logit is their label, as graph
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
    model: 'cnn',
    input: { dtype: 'float32', shape: [CNN_SPEC.channels, CNN_SPEC.imageSize, CNN_SPEC.imageSize] },
    batchSize: options.batchSize ?? CNN_SPEC.batchSize,
    classes: CNN_SPEC.classes,
    weights: options.weights,
    forward: buildModel(options),
    loss,
    optimizer: optimizer(),
    accuracy,
    target,
  });
}

/** The CNN as the harness trains it: its graphs' sessions on `provider`. */
export function createModel(options: ModelOptions, provider: Provider): Promise<OrtModel> {
  return OrtModel.create(program(options, provider.target), { input, trainEpoch, predict }, provider, options);
}
