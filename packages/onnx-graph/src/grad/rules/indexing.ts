import { cast, equal, exp, mul, sub } from '../../ops/elementwise.js';
import { scatterElements } from '../../ops/indexing.js';
import { arange, expand, reshape, unsqueeze, zeros } from '../../ops/shape-ops.js';
import { product } from '../../shape.js';
import { operand, type GradConfig } from '../registry.js';

/**
 * Gather on axis 0 (an embedding lookup): row r of the table gets the sum of the output gradients
 * of every position that read row r, a segment sum over the ids.
 *
 * It is one ScatterElements with reduction "add" into a zero table, the ids broadcast along each
 * row. Not ScatterND with reduction "add": ORT's CPU kernel for that splits the updates across
 * threads that add into the same rows without synchronisation, and lost contributions on a 16-core
 * machine (../../../README.md has the details). ORT's CPU ScatterElements splits its work by
 * position along the non-scattered axes, so two threads never write the same element, and each
 * element's updates are added in index order.
 */
export const gatherGrad: GradConfig = {
  opType: 'Gather',
  gradFunc: (node, [dy]) => {
    const [data, indices] = [operand(node.inputs, 0, node), operand(node.inputs, 1, node)];
    if (node.attributes['axis'] !== 0) throw new Error('onnx-graph: Gather gradient supports axis 0 only');
    const dims = data.staticShape();
    const rowSize = product(dims.slice(1));
    const count = indices.size();
    const ids = expand(reshape(cast(indices, 'int64'), [count, 1]), [count, rowSize]);
    const table = zeros(data.graph, data.dtype, [dims[0]!, rowSize]);
    const summed = scatterElements(table, ids, reshape(dy!, [count, rowSize]), 0, 'add');
    return [reshape(summed, dims), null];
  },
};

/**
 * Mean softmax cross-entropy over a batch of B: d loss / d logits = (softmax - onehot(labels)) / B,
 * with softmax = exp of the node's log-softmax output. The one-hot comes from comparing the labels
 * with 0..C-1, which works for every float type.
 */
export const softmaxCrossEntropyGrad: GradConfig = {
  opType: 'SoftmaxCrossEntropyLoss',
  gradFunc: (node, [dLoss]) => {
    const [logits, labels] = [operand(node.inputs, 0, node), operand(node.inputs, 1, node)];
    const logProb = operand(node.outputs, 1, node);
    const [batch, classes] = logits.staticShape() as [number, number];
    const oneHot = cast(equal(unsqueeze(labels, [1]), arange(logits.graph, classes)), logits.dtype);
    return [mul(sub(exp(logProb), oneHot), mul(dLoss!, 1 / batch)), null];
  },
};
