import { cast, equal, exp, mul, sub } from '../../ops/elementwise.js';
import { constant } from '../../ops/constants.js';
import { gather, scatterElements, scatterND, topK } from '../../ops/indexing.js';
import { cumSum } from '../../ops/reduce.js';
import { arange, concat, expand, reshape, unsqueeze, zeros } from '../../ops/shape-ops.js';
import { product } from '../../shape.js';
import { operand, type GradConfig } from '../registry.js';

/**
 * Gather on axis 0 (an embedding lookup): row r of the table gets the sum of the output gradients
 * of every position that read row r, a segment sum over the ids (which must lie in [0, rows)).
 *
 * It is computed without a scatter-add, whose ONNX Runtime CPU kernels are either slow (ScatterElements
 * walks the 9,600 x 125 updates one element at a time: 40-50 ms in the GRU step) or racy (ScatterND
 * with reduction "add" splits the updates across threads that add into the same rows unguarded,
 * and lost contributions on 16 cores). Instead, with the gradient rows sorted by id:
 *
 * 1. `perm`: the positions in id order (TopK of the ids, smallest first);
 * 2. `prefix[k]`: the float64 sum of the first k sorted gradient rows (CumSum, a zero row in front);
 * 3. `upper[r]`: how many ids are <= r (CumSum of the count of each id, itself a one-dimensional
 *    ScatterElements of ones: whole numbers, exact in float32); `lower[r] = upper[r] - count[r]`;
 * 4. the sum for the id of position p is `prefix[upper[id_p]] - prefix[lower[id_p]]`, rounded to the
 *    table's type, and ScatterND (reduction "none") writes it to row id_p. Positions that share an
 *    id write the very same values, so neither the order nor the threads writing them matter.
 *
 * float64 keeps the differences of prefix sums exact to about count * 2^-53 * max |prefix|, far
 * below float32's resolution, so each sum is the float64 sum rounded once (a sequential float32 sum,
 * TF.js's, rounds at every addition). Rows no id reads stay zero.
 *
 * A target without TopK (WebGPU, which has no float64 either) gets the scatter-add itself: one
 * ScatterElements with reduction "add" of every gradient row into the row of its id. Its adds are
 * atomic, in an order that varies from run to run; each row's sum is a float32 sum of its rows.
 */
export const gatherGrad: GradConfig = {
  opType: 'Gather',
  gradFunc: (node, [dy]) => {
    const [data, indices] = [operand(node.inputs, 0, node), operand(node.inputs, 1, node)];
    if (node.attributes['axis'] !== 0) throw new Error('onnx-graph: Gather gradient supports axis 0 only');
    const dims = data.staticShape();
    const rows = dims[0]!;
    const rowSize = product(dims.slice(1));
    const count = indices.size();
    const g = data.graph;
    if (!g.supports('TopK')) {
      const rowIds = expand(reshape(indices, [count, 1]), [count, rowSize]);
      return [reshape(scatterElements(zeros(g, data.dtype, [rows, rowSize]), rowIds, reshape(dy!, [count, rowSize]), 0, 'add'), dims), null];
    }
    const ids = reshape(cast(indices, 'int64'), [count]);
    const [, perm] = topK(ids, count, { largest: false });
    const sortedRows = gather(reshape(dy!, [count, rowSize]), perm);
    const prefix = concat([zeros(g, 'float64', [1, rowSize]), cumSum(data.dtype === 'float64' ? sortedRows : cast(sortedRows, 'float64'), 0)], 0);
    // Counts in float32, which holds them exactly (count < 2^24), because float atomic adds are
    // what every provider's ScatterElements has.
    if (count >= 2 ** 24) throw new Error(`onnx-graph: Gather gradient counts ${count} ids in float32, which holds integers below 2^24 only`);
    const counts = scatterElements(zeros(g, 'float32', [rows]), ids, constant(g, 'float32', [count], new Array<number>(count).fill(1)), 0, 'add');
    const upper = cumSum(counts, 0);
    const [upperIds, lowerIds] = [upper, sub(upper, counts)].map((bound) => cast(gather(bound, ids), 'int64'));
    const sums = sub(gather(prefix, upperIds!), gather(prefix, lowerIds!));
    const table = scatterND(zeros(g, data.dtype, [rows, rowSize]), reshape(ids, [count, 1]), data.dtype === 'float64' ? sums : cast(sums, data.dtype));
    return [reshape(table, dims), null];
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
