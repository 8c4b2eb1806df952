import type { Shape, Tensor } from '../graph.js';
import { squeeze } from '../ops/shape-ops.js';
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
  // No stretched axis: the shapes differ only in how a run-time dimension is named.
  if (axes.length === 0) return dy;
  // Summing with kept dimensions leaves the operand's own axes in place; the leading ones it lacked
  // are then size 1 and squeezed away.
  const summed = reduceSum(dy, axes, true);
  return lead === 0 ? summed : squeeze(summed, Array.from({ length: lead }, (_, i) => i));
}
