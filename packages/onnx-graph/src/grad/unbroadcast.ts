import type { Shape, Tensor } from '../graph.js';
import { reshape } from '../ops/shape-ops.js';
import { reduceSum } from '../ops/reduce.js';
import { sameShape } from '../shape.js';

/**
 * The gradient of a broadcast: an input of shape `shape` that was stretched to `dy`'s shape gets
 * the sum of `dy` over every stretched axis (leading axes it lacked, and its size-1 axes).
 */
export function sumToShape(dy: Tensor, shape: Shape): Tensor {
  if (sameShape(dy.shape, shape)) return dy;
  const lead = dy.rank - shape.length;
  const axes: number[] = [];
  dy.shape.forEach((d, i) => {
    if (i < lead || (shape[i - lead] === 1 && d !== 1)) axes.push(i);
  });
  const summed = axes.length === 0 ? dy : reduceSum(dy, axes, true);
  return sameShape(summed.shape, shape) ? summed : reshape(summed, shape.map((d) => (typeof d === 'number' ? d : 0)));
}
