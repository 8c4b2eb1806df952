/**
 * What a model source (cnn.ts, rnn.ts) hands to the trainer: serialised ONNX graphs, the
 * names of their inputs and outputs, and the state that flows from one run into the next.
 *
 * - training graph for K steps per run: inputs x [K, batch, ...] and y [K, batch] (int32),
 *   then every state tensor by name; outputs loss [K] and every state tensor under
 *   `names.next(name)` (onnx-graph's `trainingGraph`).
 * - inference graph for a batch size: inputs x [batch, ...] and the parameters; output logits
 *   [batch, classes]. `predict` builds one per batch size it is given (batch 1 for latency).
 * - evaluation graph for a batch size: the inference graph with labels y [batch] (int32) as
 *   another input and the batch's accuracy as its output.
 */
import type { ModelName, Tensor as WeightTensor } from '@rosetta/harness';
import type { Graph, TrainingNames } from '@rosetta/onnx-graph';

/** A parameter, an optimiser slot (momentum, Adam moments) or scalar (Adam's b1^t, b2^t), or the step count, with its initial value. */
export interface StateTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export interface TrainingProgram {
  readonly model: ModelName;
  readonly classes: number;
  /** Static batch size of every graph (ONNX Runtime plans memory once for static shapes). */
  readonly batchSize: number;
  /** Input and output names of the training graphs; `names.params` are the canonical parameter names. */
  readonly names: TrainingNames;
  /** The training graph for K steps per run (K > 1: an ONNX Loop). */
  training(stepsPerRun: number): Uint8Array;
  /** The one-step training graph as built, before serialisation: its nodes and their shapes, for analysis. */
  readonly stepGraph: Graph;
  /** The inference graph for batches of `batchSize` (x, parameters -> logits), built when asked for. */
  inference(batchSize: number): Uint8Array;
  /** The evaluation graph for batches of `batchSize` (x, y, parameters -> accuracy), built when asked for. */
  evaluation(batchSize: number): Uint8Array;
  /**
   * Fresh initial values of every state tensor: parameters first, then optimiser slots and
   * scalars, and the step count. Made on each call and kept by nobody here: after the first run
   * the trainer's state is the run's outputs, and the initial copies (45 MB for the GRU) are free.
   */
  initialState(): StateTensor[];
  /** The inference graph with the given parameters baked in as initialisers: a plain model file. */
  exportInference(weights: ReadonlyMap<string, WeightTensor>): Uint8Array;
}
