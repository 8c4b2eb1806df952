import type { DType } from '../dtype.js';
import { Graph, type Tensor, type TensorValues } from '../graph.js';

// Small constants (scalars, axes, shapes) are shared per graph so a gradient that asks for
// "the scalar 1" a hundred times adds one initialiser, not a hundred.
const cache = new WeakMap<Graph, Map<string, Tensor>>();

/** A constant tensor in `graph` (an initialiser). */
export function constant(graph: Graph, dtype: DType, shape: readonly number[], values: TensorValues, name?: string): Tensor {
  if (name !== undefined || values.length > 16) return graph.constant({ dtype, shape, values }, name);
  const key = `${dtype}[${shape.join(',')}]${Array.from(values as ArrayLike<number | bigint>).join(',')}`;
  let perGraph = cache.get(graph);
  if (perGraph === undefined) cache.set(graph, (perGraph = new Map()));
  let tensor = perGraph.get(key);
  if (tensor === undefined) perGraph.set(key, (tensor = graph.constant({ dtype, shape, values })));
  return tensor;
}

/** A rank-0 constant of the given dtype. */
export function scalar(graph: Graph, value: number, dtype: DType): Tensor {
  return constant(graph, dtype, [], [value]);
}

/** A 1-D int64 constant: axes, shapes, starts/ends, split sizes. */
export function int64s(graph: Graph, values: readonly number[]): Tensor {
  return constant(graph, 'int64', [values.length], values);
}
