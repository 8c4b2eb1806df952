import { graphOf, type Tensor } from '../graph.js';
import { cast, equal, exp, log, mul, neg, stopGradient, sub } from './elementwise.js';
import { reduceMax, reduceMean, reduceSum } from './reduce.js';
import { arange, unsqueeze } from './shape-ops.js';

/**
 * log(softmax(x)) along `axis`, as x - m - log(sum(exp(x - m))) with m the maximum: exp never
 * overflows, and m is held constant for the gradient (it changes no derivative).
 */
export function logSoftmax(x: Tensor, axis: number): Tensor {
  const shifted = sub(x, stopGradient(reduceMax(x, [axis], true)));
  return sub(shifted, log(reduceSum(exp(shifted), [axis], true)));
}

/**
 * Softmax cross-entropy of logits [B, C] against sparse integer labels [B], averaged over the batch:
 * ONNX SoftmaxCrossEntropyLoss (reduction "mean"), whose second output, the log-softmax, is what its
 * gradient is built from. A target without that kernel gets the same mean of -logSoftmax at the
 * labels from elementwise ops, reductions and a one-hot of the labels, differentiated op by op.
 */
export function softmaxCrossEntropy(logits: Tensor, labels: Tensor): Tensor {
  if (logits.rank !== 2 || labels.rank !== 1) throw new Error(`onnx-graph: softmaxCrossEntropy needs logits [B, C] and labels [B]`);
  if (labels.dtype !== 'int64' && labels.dtype !== 'int32') throw new Error(`onnx-graph: labels ${labels.name} must be integers, got ${labels.dtype}`);
  const g = graphOf(logits, labels);
  if (!g.supports('SoftmaxCrossEntropyLoss')) {
    const [, classes] = logits.staticShape() as [number, number];
    const oneHot = cast(equal(unsqueeze(labels, [1]), arange(g, classes, labels.dtype)), logits.dtype);
    return neg(reduceMean(reduceSum(mul(oneHot, logSoftmax(logits, 1)), [1]), [0]));
  }
  return g.addNode('SoftmaxCrossEntropyLoss', [logits, cast(labels, 'int64')], { reduction: 'mean' }, [
    { dtype: logits.dtype, shape: [] },
    { dtype: logits.dtype, shape: logits.shape },
  ])[0]!;
}
