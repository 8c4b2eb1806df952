/**
 * Turns a model (the forward pass buildModel builds, the loss, the optimiser, the accuracy)
 * into the graphs OrtModel runs: training with K steps per run (onnx-graph's `trainingGraph`:
 * forward, loss, gradients and update, in an ONNX Loop when K > 1), inference and evaluation
 * with the parameters as inputs, and the exported inference model with them baked in
 * (onnx-graph's `inferenceGraph`). Both models share this, so cnn.ts and rnn.ts hold only what
 * differs between them.
 */
import type { ModelName, ParameterName, Tensor as WeightTensor, Weights } from '@rosetta/harness';
import {
  Graph,
  inferenceGraph as onnxInferenceGraph,
  serializeModel,
  trainingGraph,
  type Optimizer,
  type Target,
  type Tensor,
  type TrainingNames,
} from '@rosetta/onnx-graph';
import type { StateTensor, TrainingProgram } from './program.js';

/** A model's parameter tensors in a graph, by canonical name (harness weights.ts). */
export type Parameters<M extends ModelName> = { readonly [Name in ParameterName<M>]: Tensor };

/**
 * A model's forward pass as graph nodes, what a model file's buildModel builds: logits
 * [batch, classes] of a batch x, on the parameters p. `step` is the training step's number in
 * the training graph (what keys dropout masks on a provider without a Dropout kernel), null in
 * the inference and evaluation graphs (dropout off).
 */
export type Forward<M extends ModelName> = (x: Tensor, p: Parameters<M>, step: Tensor | null) => Tensor;

/**
 * The graph's parameter inputs, which are the shared weights' names: the weights are the
 * model's own (createModel gets them from initialWeights or a weights file, both checked
 * against parameterSpecs).
 */
const byName = <M extends ModelName>(p: Readonly<Record<string, Tensor>>): Parameters<M> => p as Parameters<M>;

export interface ModelDefinition<M extends ModelName = ModelName> {
  readonly model: M;
  /** One sample's input: element type and shape without the batch axis. */
  readonly input: { readonly dtype: 'float32' | 'int32'; readonly shape: readonly number[] };
  readonly batchSize: number;
  readonly classes: number;
  /** Initial parameters in the canonical layout, which is already this graph's layout. */
  readonly weights: Weights;
  readonly forward: Forward<M>;
  /** The scalar training loss of a batch from its logits and int32 labels [batch]. */
  loss(logits: Tensor, labels: Tensor): Tensor;
  readonly optimizer: Optimizer;
  /** The scalar accuracy of a batch from its logits and int32 labels [batch]. */
  accuracy(logits: Tensor, labels: Tensor): Tensor;
  /** The provider the graphs are built for (provider.ts). */
  readonly target: Target;
}

function training<M extends ModelName>(def: ModelDefinition<M>, stepsPerRun: number): { graph: Graph; names: TrainingNames } {
  return trainingGraph({
    name: `${def.model}_train`,
    dtype: 'float32',
    params: [...def.weights].map(([name, w]) => ({ name, shape: w.shape })),
    batch: [
      { name: 'x', dtype: def.input.dtype, shape: [def.batchSize, ...def.input.shape] },
      { name: 'y', dtype: 'int32', shape: [def.batchSize] },
    ],
    loss: (p, { x, y }, step) => def.loss(def.forward(x!, byName<M>(p), step), y!),
    optimizer: def.optimizer,
    stepsPerRun,
    target: def.target,
  });
}

/** Parameters at their initial values (copies), optimiser slots and the step count at zero, the optimiser's scalars at their initial values. */
function initialState<M extends ModelName>(def: ModelDefinition<M>, names: TrainingNames): StateTensor[] {
  const params = [...def.weights].map(([name, w]) => ({ name, shape: w.shape, data: w.data.slice() }));
  const slots = names.slots.flatMap((slot) => slot.map((name, i) => ({ name, shape: params[i]!.shape, data: new Float32Array(params[i]!.data.length) })));
  const scalars = def.optimizer.scalars.map(({ name, initial }) => ({ name, shape: [], data: Float32Array.of(initial) }));
  return [...params, ...slots, ...scalars, { name: names.step, shape: [], data: new Float32Array(1) }];
}

/**
 * Forward only, dropout off, the parameters as inputs: what `predict` runs on the current
 * weights (output `logits`), or, with `labels`, what `evaluate` runs (input y, output `accuracy`).
 */
function inferenceGraph<M extends ModelName>(def: ModelDefinition<M>, batchSize: number, labels = false): Uint8Array {
  const g = new Graph(`${def.model}_${labels ? 'evaluation' : 'inference'}`, null, def.target);
  const x = g.input('x', def.input.dtype, [batchSize, ...def.input.shape]);
  const y = labels ? g.input('y', 'int32', [batchSize]) : null;
  const p = Object.fromEntries([...def.weights].map(([name, w]) => [name, g.input(name, 'float32', w.shape)]));
  const logits = def.forward(x, byName<M>(p), null);
  if (y === null) g.output(logits, 'logits');
  else g.output(def.accuracy(logits, y), 'accuracy');
  return serializeModel(g);
}

/** The same forward with the given weights frozen in as initialisers: a self-contained model file. */
function exportedGraph<M extends ModelName>(def: ModelDefinition<M>, weights: ReadonlyMap<string, WeightTensor>): Uint8Array {
  const params = [...def.weights.keys()].map((name) => {
    const value = weights.get(name);
    if (value === undefined) throw new Error(`onnxruntime: cannot export the ${def.model}: parameter ${name} is missing`);
    return { name, dtype: 'float32' as const, shape: value.shape, values: value.data };
  });
  return serializeModel(
    onnxInferenceGraph({
      name: `${def.model}_inference`,
      params,
      inputs: [{ name: 'x', dtype: def.input.dtype, shape: [def.batchSize, ...def.input.shape] }],
      forward: (p, { x }) => ({ logits: def.forward(x!, byName<M>(p), null) }),
    }),
  );
}

export function compileProgram<M extends ModelName>(def: ModelDefinition<M>): TrainingProgram {
  const step = training(def, 1);
  return {
    model: def.model,
    classes: def.classes,
    batchSize: def.batchSize,
    names: step.names,
    stepGraph: step.graph,
    training: (stepsPerRun) => serializeModel(stepsPerRun === 1 ? step.graph : training(def, stepsPerRun).graph),
    inference: (batchSize) => inferenceGraph(def, batchSize),
    evaluation: (batchSize) => inferenceGraph(def, batchSize, true),
    initialState: () => initialState(def, step.names),
    exportInference: (weights) => exportedGraph(def, weights),
  };
}
