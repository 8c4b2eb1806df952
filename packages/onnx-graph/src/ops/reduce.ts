import type { Tensor } from '../graph.js';
import { normalizeAxis } from '../shape.js';
import { int64s } from './constants.js';

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
