import { graphOf, type Tensor } from '../graph.js';

/**
 * Softmax cross-entropy of logits [B, C] against sparse int64 labels [B], averaged over the batch
 * (ONNX SoftmaxCrossEntropyLoss, reduction "mean"). The node's second output, the log-softmax, is
 * what the gradient is built from.
 */
export function softmaxCrossEntropy(logits: Tensor, labels: Tensor): Tensor {
  if (logits.rank !== 2 || labels.rank !== 1) throw new Error(`onnx-graph: softmaxCrossEntropy needs logits [B, C] and labels [B]`);
  if (labels.dtype !== 'int64') throw new Error(`onnx-graph: labels ${labels.name} must be int64, got ${labels.dtype}`);
  return graphOf(logits, labels).addNode('SoftmaxCrossEntropyLoss', [logits, labels], { reduction: 'mean' }, [
    { dtype: logits.dtype, shape: [] },
    { dtype: logits.dtype, shape: logits.shape },
  ])[0]!;
}
