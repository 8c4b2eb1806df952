import type { Tensor } from '../graph.js';
import { normalizeAxis } from '../shape.js';
import { int64s, scalar } from './constants.js';

function reducedShape(x: Tensor, axes: readonly number[], keepDims: boolean): (number | string)[] {
  const at = new Set(axes.map((a) => normalizeAxis(a, x.rank)));
  return x.shape.flatMap((d, i) => (at.has(i) ? (keepDims ? [1] : []) : [d]));
}

/** Sum over `axes` (opset 13+: the axes are an input). */
export function reduceSum(x: Tensor, axes: readonly number[], keepDims = false): Tensor {
  const shape = reducedShape(x, axes, keepDims);
  return x.graph.addNode('ReduceSum', [x, int64s(x.graph, axes)], { keepdims: keepDims ? 1 : 0 }, [{ dtype: x.dtype, shape }])[0]!;
}

/** Mean over `axes` (opset 17: the axes are still an attribute here, unlike ReduceSum). */
export function reduceMean(x: Tensor, axes: readonly number[], keepDims = false): Tensor {
  const shape = reducedShape(x, axes, keepDims);
  return x.graph.addNode('ReduceMean', [x], { axes, keepdims: keepDims ? 1 : 0 }, [{ dtype: x.dtype, shape }])[0]!;
}

/**
 * Running sum along `axis` (ONNX CumSum): element i is the sum of elements 0..i, or of 0..i-1 with
 * `exclusive` (then the first is 0).
 */
export function cumSum(x: Tensor, axis: number, options: { exclusive?: boolean } = {}): Tensor {
  const attributes = { exclusive: options.exclusive ? 1 : 0 };
  return x.graph.addNode('CumSum', [x, scalar(x.graph, normalizeAxis(axis, x.rank), 'int64')], attributes, [{ dtype: x.dtype, shape: x.shape }])[0]!;
}

/**
 * Index of the largest element along `axis` (ONNX ArgMax), int64; the first one on a tie. It
 * has no gradient: it is for inference and evaluation graphs (accuracy), never differentiated.
 */
export function argMax(x: Tensor, axis: number, keepDims = false): Tensor {
  const at = normalizeAxis(axis, x.rank);
  const shape = reducedShape(x, [at], keepDims);
  return x.graph.addNode('ArgMax', [x], { axis: at, keepdims: keepDims ? 1 : 0, select_last_index: 0 }, [{ dtype: 'int64', shape }])[0]!;
}
