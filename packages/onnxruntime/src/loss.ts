/**
 * The loss of both models (SPEC.md): softmax cross-entropy on logits with sparse integer
 * labels, mean over the batch, as one ONNX node (SoftmaxCrossEntropyLoss, which takes
 * int64 labels; the iterator's are int32, so they are cast in the graph).
 */
import { cast, softmaxCrossEntropy, type Tensor } from '@rosetta/onnx-graph';

export function sparseSoftmaxCrossEntropy(logits: Tensor, labels: Tensor): Tensor {
  return softmaxCrossEntropy(logits, cast(labels, 'int64'));
}
