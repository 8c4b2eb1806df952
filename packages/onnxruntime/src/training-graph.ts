/**
 * Turns a model's forward function into the graphs the trainer runs: one training step
 * (forward, loss, gradients, optimiser update), K steps in an ONNX Loop, and inference.
 * Both models share this, so cnn.ts and rnn.ts hold only what differs between them.
 */
import type { ModelName, Tensor as WeightTensor, Weights } from '@rosetta/harness';
import {
  adam,
  cast,
  gather,
  grad,
  Graph,
  loop,
  reshape,
  serializeModel,
  sgdMomentum,
  softmaxCrossEntropy,
  add,
  type Tensor,
} from '@rosetta/onnx-graph';
import { nextName, type StateTensor, type TrainingProgram } from './program.js';

/** Parameter tensors of a graph by canonical name (harness weights.ts). */
export type Parameters = Readonly<Record<string, Tensor>>;

export type OptimiserSpec =
  | { readonly kind: 'sgd-momentum'; readonly learningRate: number; readonly momentum: number }
  | { readonly kind: 'adam'; readonly learningRate: number; readonly beta1: number; readonly beta2: number; readonly epsilon: number };

export interface ModelDefinition {
  readonly model: ModelName;
  /** One sample's input: element type and shape without the batch axis. */
  readonly input: { readonly dtype: 'float32' | 'int32'; readonly shape: readonly number[] };
  readonly batchSize: number;
  readonly classes: number;
  /** Initial parameters in the canonical layout, which is already this graph's layout. */
  readonly weights: Weights;
  readonly optimiser: OptimiserSpec;
  /** Logits [batch, classes]; `training` is false in the inference graph. */
  forward(x: Tensor, p: Parameters, training: boolean): Tensor;
}

/** The optimiser's state tensors besides the parameters, with their initial values (all zero). */
function optimiserSlots(def: ModelDefinition): StateTensor[] {
  const slots: StateTensor[] = [];
  const perParameter = def.optimiser.kind === 'sgd-momentum' ? ['velocity'] : ['m', 'v'];
  for (const slot of perParameter) {
    for (const [name, w] of def.weights) slots.push({ name: `${name}.${slot}`, shape: w.shape, data: new Float32Array(w.data.length) });
  }
  // Adam's bias correction needs the step number t; it counts in the graph from 0.
  if (def.optimiser.kind === 'adam') slots.push({ name: 'adam.step', shape: [], data: new Float32Array(1) });
  return slots;
}

function parameterState(weights: Weights): StateTensor[] {
  return [...weights].map(([name, w]) => ({ name, shape: w.shape, data: w.data }));
}

/**
 * One training step on a batch, given the current state in the order of `state`: returns the
 * batch loss and the next state, in the same order.
 */
function trainingStep(def: ModelDefinition, x: Tensor, y: Tensor, state: readonly Tensor[]): { loss: Tensor; next: Tensor[] } {
  const names = [...def.weights.keys()];
  const params = state.slice(0, names.length);
  const p: Parameters = Object.fromEntries(names.map((name, i) => [name, params[i]!]));
  const loss = softmaxCrossEntropy(def.forward(x, p, true), cast(y, 'int64'));
  const grads = grad(loss, params);
  const slots = state.slice(names.length);
  const o = def.optimiser;
  if (o.kind === 'sgd-momentum') {
    const update = sgdMomentum(params, grads, slots, { learningRate: o.learningRate, momentum: o.momentum });
    return { loss, next: [...update.params, ...update.velocities] };
  }
  const n = names.length;
  const step = add(slots[2 * n]!, 1);
  const update = adam(params, grads, slots.slice(0, n), slots.slice(n, 2 * n), step, o);
  return { loss, next: [...update.params, ...update.m, ...update.v, step] };
}

function stateInputs(g: Graph, state: readonly StateTensor[]): Tensor[] {
  return state.map((s) => g.input(s.name, 'float32', s.shape));
}

function stepGraph(def: ModelDefinition, state: readonly StateTensor[]): Uint8Array {
  const g = new Graph(`${def.model}-train-step`);
  const x = g.input('x', def.input.dtype, [def.batchSize, ...def.input.shape]);
  const y = g.input('y', 'int32', [def.batchSize]);
  const { loss, next } = trainingStep(def, x, y, stateInputs(g, state));
  g.output(reshape(loss, [1]), 'loss');
  next.forEach((t, i) => g.output(t, nextName(state[i]!.name)));
  return serializeModel(g);
}

/**
 * K training steps in one ONNX Loop: the state is loop-carried, so it never leaves the
 * execution provider between steps; each iteration reads its batch from the [K, ...] inputs.
 */
function chunkGraph(def: ModelDefinition, state: readonly StateTensor[], steps: number): Uint8Array {
  const g = new Graph(`${def.model}-train-chunk`);
  const xs = g.input('x', def.input.dtype, [steps, def.batchSize, ...def.input.shape]);
  const ys = g.input('y', 'int32', [steps, def.batchSize]);
  const result = loop(g, steps, stateInputs(g, state), (iteration, carried) => {
    const { loss, next } = trainingStep(def, gather(xs, iteration), gather(ys, iteration), carried);
    return { carried: next, scanned: [loss] };
  });
  g.output(result.scanned[0]!, 'loss');
  result.carried.forEach((t, i) => g.output(t, nextName(state[i]!.name)));
  return serializeModel(g);
}

/** Forward only, dropout off; parameters are inputs, or initialisers when `weights` is given. */
function inferenceGraph(def: ModelDefinition, weights?: ReadonlyMap<string, WeightTensor>): Uint8Array {
  const g = new Graph(`${def.model}-inference`);
  const x = g.input('x', def.input.dtype, [def.batchSize, ...def.input.shape]);
  const p: Record<string, Tensor> = {};
  for (const [name, w] of def.weights) {
    if (weights === undefined) {
      p[name] = g.input(name, 'float32', w.shape);
    } else {
      const value = weights.get(name);
      if (value === undefined) throw new Error(`onnxruntime: cannot export ${def.model}: parameter ${name} is missing`);
      p[name] = g.constant({ dtype: 'float32', shape: value.shape, values: value.data }, name);
    }
  }
  g.output(def.forward(x, p, false), 'logits');
  return serializeModel(g);
}

export function compileProgram(def: ModelDefinition): TrainingProgram {
  const state = [...parameterState(def.weights), ...optimiserSlots(def)];
  return {
    model: def.model,
    classes: def.classes,
    batchSize: def.batchSize,
    step: stepGraph(def, state),
    chunk: (steps) => chunkGraph(def, state, steps),
    inference: inferenceGraph(def),
    parameters: [...def.weights.keys()],
    state,
    exportInference: (weights) => inferenceGraph(def, weights),
  };
}

