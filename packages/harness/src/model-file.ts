/**
 * The contract of a model file (cnn.ts and rnn.ts of every TypeScript framework family): the
 * six steps of the notebooks, with the same names and signatures in every framework, over the
 * framework's own types. The notebooks and the side-by-side page show these functions; the
 * framework's adapter (its model.ts) calls them for the harness, and its backend checks each
 * file against this interface at compile time.
 */
import type { Batch } from '@rosetta/data';
import type { ModelOptions, StepReporter, TrainableModel } from './framework.js';

/** A framework's type for each role in a model file. */
export interface FrameworkTypes {
  /** Data on the framework's runtime: what `input` makes of a batch and what `predict` hands back. */
  readonly tensor: unknown;
  /**
   * What the loss and the accuracy compute with: the same tensors in an eager framework
   * (TF.js), the values of a graph being built in one that runs graphs (ONNX).
   */
  readonly operand: unknown;
  /** What `buildModel` builds: a Layers model (TF.js), or the forward pass as graph nodes (ONNX). */
  readonly model: unknown;
  readonly optimizer: unknown;
  /** The model as the harness trains it, made by `createModel`: what the training and prediction steps take. */
  readonly trainable: TrainableModel;
  /** What one training step takes: a batch of the shared iterator, or a run's stack of them. */
  readonly batch: unknown;
  /** What `createModel` needs from the backend: the TF.js backend's name, ONNX Runtime's execution provider. */
  readonly runtime: unknown;
}

/** What `buildModel` takes: dropout in or out (parity runs leave it out) and the seed of its masks. */
export type BuildOptions = Pick<ModelOptions, 'dropout' | 'seed'>;

export interface ModelFile<F extends FrameworkTypes> {
  /** load data: a batch of the shared iterator as the framework's tensors, inputs x and int32 labels y. */
  input(batch: Batch): { readonly x: F['tensor']; readonly y: F['tensor'] };
  /** build model: logits [batch, classes], no softmax. */
  buildModel(options: BuildOptions): F['model'];
  /** loss and optimiser: the batch mean of softmax cross-entropy on the logits, and SPEC.md's optimiser. */
  loss(logits: F['operand'], labels: F['operand']): F['operand'];
  optimizer(): F['optimizer'];
  /** train on mini-batches: one optimiser step (or a run of several); resolves to their losses, read back, when they are done. */
  trainStep(model: F['trainable'], batch: F['batch']): Promise<Float32Array>;
  /** The loop over one epoch of the shared iterator's batches, each step's loss reported. */
  trainEpoch(model: F['trainable'], batches: Iterable<Batch>, report: StepReporter): Promise<void>;
  /** predict: logits [batch, classes] in inference mode (dropout off). */
  predict(model: F['trainable'], batch: Batch): Promise<F['tensor']>;
  /** evaluate: mean(argmax(logits) == label) over a batch. */
  accuracy(logits: F['operand'], labels: F['operand']): F['operand'];
  /** The model as the harness trains it, from the shared weights in `options`. */
  createModel(options: ModelOptions, runtime: F['runtime']): Promise<F['trainable']>;
}
