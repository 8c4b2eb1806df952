import type { Tensor } from '../graph.js';
import { normalizeAxis } from '../shape.js';
import { int64s, scalar } from './constants.js';
import { and, cast, equal, mul } from './elementwise.js';
import { arange, reshape } from './shape-ops.js';

function reducedShape(x: Tensor, axes: readonly number[], keepDims: boolean): (number | string)[] {
  const at = new Set(axes.map((a) => normalizeAxis(a, x.rank)));
  return x.shape.flatMap((d, i) => (at.has(i) ? (keepDims ? [1] : []) : [d]));
}

/** Sum over `axes` (opset 13+: the axes are an input). */
export function reduceSum(x: Tensor, axes: readonly number[], keepDims = false): Tensor {
  const shape = reducedShape(x, axes, keepDims);
  return x.graph.addNode('ReduceSum', [x, int64s(x.graph, axes)], { keepdims: keepDims ? 1 : 0 }, [{ dtype: x.dtype, shape }])[0]!;
}

/** Largest element over `axes` (opset 17: an attribute, as ReduceMean's). No gradient rule: see stopGradient. */
export function reduceMax(x: Tensor, axes: readonly number[], keepDims = false): Tensor {
  const shape = reducedShape(x, axes, keepDims);
  return x.graph.addNode('ReduceMax', [x], { axes, keepdims: keepDims ? 1 : 0 }, [{ dtype: x.dtype, shape }])[0]!;
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

/** True at the first largest element along `axis` of each slice, false elsewhere (a one-hot of the arg max). */
export function firstMax(x: Tensor, axis: number): Tensor {
  const isMax = equal(x, reduceMax(x, [axis], true));
  return and(isMax, equal(cumSum(cast(isMax, 'float32'), axis, { exclusive: true }), 0));
}

/**
 * Index of the largest element along `axis`, the first one on a tie. It has no gradient: it is for
 * inference and evaluation graphs (accuracy), never differentiated. int64 is ONNX ArgMax. ArgMax
 * gives nothing else, and WebGPU kernels take no int64 (not even a Cast from it), so int32 is
 * computed as the sum of firstMax's one-hot times the positions.
 */
export function argMax(x: Tensor, axis: number, options: { keepDims?: boolean; dtype?: 'int64' | 'int32' } = {}): Tensor {
  const at = normalizeAxis(axis, x.rank);
  const keepDims = options.keepDims ?? false;
  if (options.dtype === 'int32') {
    const positions = reshape(arange(x.graph, x.staticShape()[at]!, 'float32'), x.shape.map((_, i) => (i === at ? -1 : 1)));
    return cast(reduceSum(mul(cast(firstMax(x, at), 'float32'), positions), [at], keepDims), 'int32');
  }
  const shape = reducedShape(x, [at], keepDims);
  return x.graph.addNode('ArgMax', [x], { axis: at, keepdims: keepDims ? 1 : 0, select_last_index: 0 }, [{ dtype: 'int64', shape }])[0]!;
}
