import type { DType } from './dtype.js';
import { Graph, type Shape, type Tensor, type TensorValues } from './graph.js';

export interface InferenceSpec {
  name: string;
  /** Trained values, stored in the model as initialisers under these names. */
  params: readonly { name: string; dtype: DType; shape: readonly number[]; values: TensorValues }[];
  /** Graph inputs; a dimension may be a name, e.g. 'batch', to accept any size there. */
  inputs: readonly { name: string; dtype: DType; shape: Shape }[];
  /** The model in inference mode (dropout off), returning the outputs by name. */
  forward: (params: Record<string, Tensor>, inputs: Record<string, Tensor>) => Record<string, Tensor>;
}

/**
 * A plain inference model: the same model function a training graph uses, with the parameters
 * frozen into the file. What an exported model is: it needs nothing but ONNX Runtime to run.
 */
export function inferenceGraph(spec: InferenceSpec): Graph {
  const g = new Graph(spec.name);
  const inputs = Object.fromEntries(spec.inputs.map((i) => [i.name, g.input(i.name, i.dtype, i.shape)]));
  const params = Object.fromEntries(spec.params.map((p) => [p.name, g.constant({ dtype: p.dtype, shape: p.shape, values: p.values }, p.name)]));
  for (const [name, tensor] of Object.entries(spec.forward(params, inputs))) g.output(tensor, name);
  return g;
}
