/**
 * What a model source (cnn.ts, rnn.ts) hands to the trainer: serialised ONNX graphs plus the
 * tensors that flow from one run into the next. The naming convention below is the whole
 * contract between the graphs and the runner.
 *
 * - step graph:  inputs  x [B, ...], y [B] int32, then every state tensor by name;
 *                outputs loss [1], then every state tensor under `nextName(name)`.
 * - chunk graph: inputs  x [K, B, ...], y [K, B], then the state; an ONNX Loop runs the step
 *                K times; outputs loss [K] and the state under `nextName(name)`.
 * - inference:   inputs  x [B, ...] and the parameters; output logits [B, classes].
 */
import type { ModelName, Tensor as WeightTensor } from '@rosetta/harness';

/** A parameter or an optimiser slot (momentum, Adam moments, step counter) with its initial value. */
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
  readonly step: Uint8Array;
  /** The chunk graph for K steps per run (built on demand: only the GPU path uses it). */
  chunk(steps: number): Uint8Array;
  readonly inference: Uint8Array;
  /** Canonical parameter names (harness weights.ts), a prefix of `state`. */
  readonly parameters: readonly string[];
  readonly state: readonly StateTensor[];
  /** The inference graph with the given parameters baked in as initialisers: a plain model file. */
  exportInference(weights: ReadonlyMap<string, WeightTensor>): Uint8Array;
}

export function nextName(name: string): string {
  return `${name}.next`;
}
