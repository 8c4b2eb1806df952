import type { DType } from './dtype.js';
import { Graph, type Tensor } from './graph.js';
import { grad } from './grad/grad.js';
import { loop } from './ops/control.js';
import { add } from './ops/elementwise.js';
import { gather } from './ops/indexing.js';
import { reshape, squeeze } from './ops/shape-ops.js';
import type { Optimizer } from './optim/optimizer.js';
import type { Target } from './target.js';

export interface TensorSpec {
  name: string;
  dtype: DType;
  shape: readonly number[];
}

export interface TrainingSpec {
  name: string;
  /** The parameters, in a fixed order; all of `dtype`. */
  params: readonly { name: string; shape: readonly number[] }[];
  dtype: 'float32' | 'float64';
  /** What one step consumes (e.g. images and labels), with the shape of one batch. */
  batch: readonly TensorSpec[];
  /**
   * The model and its loss (a scalar), built from the parameter and batch tensors, by name, and the
   * number of this step (a scalar of `dtype`, 1 for the first step ever: what keys in-graph random
   * draws, such as dropout masks on a target without a Dropout kernel).
   */
  loss: (params: Record<string, Tensor>, batch: Record<string, Tensor>, step: Tensor) => Tensor;
  optimizer: Optimizer;
  /**
   * Steps per `run` (default 1). With K > 1 every batch input gets a leading axis of K, and an
   * ONNX Loop runs the K steps with the parameters and optimiser state as loop-carried values, so
   * they cross between host and device once per K steps instead of once per step.
   */
  stepsPerRun?: number;
  /** The provider the graph is built for (target.ts); default: every ONNX op. */
  target?: Target;
}

/**
 * Names of the graph's inputs and outputs, so a runner can feed and read them without knowing how
 * the graph was built. State goes in under `names.params[i]`, `names.slots[k][i]`,
 * `names.scalars[k]` and `names.step` and comes back under the same names with the prefix `next.`;
 * `names.loss` holds the loss of every step of the run ([K]).
 */
export interface TrainingNames {
  params: string[];
  slots: string[][];
  /** The optimiser's scalars (Optimizer.scalars), in its order. */
  scalars: string[];
  step: string;
  batch: string[];
  loss: string;
  next: (name: string) => string;
}

export interface TrainingGraph {
  graph: Graph;
  names: TrainingNames;
}

const next = (name: string): string => `next.${name}`;

/**
 * The graph of K training steps: forward, loss, gradients (`grad`) and the optimiser update. Inputs:
 * the batch tensors, the parameters, the optimiser slots (zero at the start), the optimiser's
 * scalars (at their `initial` values) and `step` (a float scalar: steps taken so far, 0 at the
 * start). Outputs: the updated state and the losses.
 */
export function trainingGraph(spec: TrainingSpec): TrainingGraph {
  const k = spec.stepsPerRun ?? 1;
  if (!Number.isInteger(k) || k < 1) throw new Error(`onnx-graph: stepsPerRun must be a positive integer, got ${k}`);
  const g = new Graph(spec.name, null, spec.target);
  if (k > 1 && !g.supports('Loop')) throw new Error(`onnx-graph: target ${g.target.name} has no Loop kernel: one step per run`);
  const names: TrainingNames = {
    params: spec.params.map((p) => p.name),
    slots: spec.optimizer.slots.map((slot) => spec.params.map((p) => `${p.name}.${slot}`)),
    scalars: spec.optimizer.scalars.map((scalar) => scalar.name),
    step: 'step',
    batch: spec.batch.map((b) => b.name),
    loss: 'loss',
    next,
  };
  const batchInputs = spec.batch.map((b) => g.input(b.name, b.dtype, [k, ...b.shape]));
  const state = [
    ...spec.params.map((p) => g.input(p.name, spec.dtype, p.shape)),
    ...names.slots.flat().map((name, i) => g.input(name, spec.dtype, spec.params[i % spec.params.length]!.shape)),
    ...names.scalars.map((name) => g.input(name, spec.dtype, [])),
    g.input(names.step, spec.dtype, []),
  ];

  // One step, from the state tensors and this step's batch to the next state and the loss.
  const oneStep = (current: readonly Tensor[], batch: readonly Tensor[]): { state: Tensor[]; loss: Tensor } => {
    const count = spec.params.length;
    const params = current.slice(0, count);
    const slotCount = spec.optimizer.slots.length;
    const slots = spec.optimizer.slots.map((_, s) => current.slice(count * (s + 1), count * (s + 2)));
    const scalars = current.slice(count * (slotCount + 1), count * (slotCount + 1) + names.scalars.length);
    const stepNumber = add(current[current.length - 1]!, 1);
    const loss = spec.loss(byName(names.params, params), byName(names.batch, batch), stepNumber);
    const update = spec.optimizer.apply(params, grad(loss, params), slots, scalars);
    return { state: [...update.params, ...update.slots.flat(), ...update.scalars, stepNumber], loss };
  };

  // One step needs no Loop (whose per-run overhead is measurable on CUDA); the inputs keep their
  // leading axis of 1 so a runner feeds every K the same way.
  let carried: Tensor[];
  let losses: Tensor;
  if (k === 1) {
    const step = oneStep(state, batchInputs.map((b) => squeeze(b, [0])));
    carried = step.state;
    losses = reshape(step.loss, [1]);
  } else {
    const result = loop(g, k, state, (iteration, current) => {
      const step = oneStep(current, batchInputs.map((b) => gather(b, iteration)));
      return { carried: step.state, scanned: [step.loss] };
    });
    carried = result.carried;
    losses = result.scanned[0]!;
  }
  const stateNames = [...names.params, ...names.slots.flat(), ...names.scalars, names.step];
  carried.forEach((t, i) => g.output(t, next(stateNames[i]!)));
  g.output(losses, names.loss);
  return { graph: g, names };
}

function byName(names: readonly string[], tensors: readonly Tensor[]): Record<string, Tensor> {
  return Object.fromEntries(names.map((n, i) => [n, tensors[i]!]));
}
