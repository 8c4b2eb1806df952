// A reduction's gradient spreads each output gradient evenly back over the values it reduced.
import type { Node, Tensor } from '../../graph.js';
import { div } from '../../ops/elementwise.js';
import { expand, reshape } from '../../ops/shape-ops.js';
import { normalizeAxis, product } from '../../shape.js';
import { operand, type GradConfig } from '../registry.js';

function spread(node: Node, dy: Tensor, axes: readonly number[]): Tensor {
  const x = operand(node.inputs, 0, node);
  const dims = x.staticShape();
  const reduced = new Set(axes.map((a) => normalizeAxis(a, x.rank)));
  const keptShape = dims.map((d, i) => (reduced.has(i) ? 1 : d));
  return expand(reshape(dy, keptShape), dims);
}

export const reduceSumGrad: GradConfig = {
  opType: 'ReduceSum',
  gradFunc: (node, [dy]) => {
    const axesTensor = operand(node.inputs, 1, node);
    const axes = Array.from(axesTensor.graph.constantValue(axesTensor).values as ArrayLike<number | bigint>, Number);
    return [spread(node, dy!, axes), null];
  },
};

export const reduceMeanGrad: GradConfig = {
  opType: 'ReduceMean',
  gradFunc: (node, [dy]) => {
    const axes = node.attributes['axes'] as readonly number[];
    const x = operand(node.inputs, 0, node);
    const count = product(axes.map((a) => x.staticShape()[normalizeAxis(a, x.rank)]!));
    return [div(spread(node, dy!, axes), count)];
  },
};
