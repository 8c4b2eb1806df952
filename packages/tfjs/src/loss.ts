/**
 * The loss of both models (SPEC.md): softmax cross-entropy on logits with sparse integer
 * labels, mean over the batch.
 *
 * TF.js has no sparse variant, so the labels become one-hot rows inside the step and go
 * through `tf.losses.softmaxCrossEntropy`, which works on logits via log-sum-exp and has
 * the exact gradient softmax(logits) - labels. The result is the same number as a sparse
 * implementation; building the one-hot rows costs one small kernel per step. (A sparse
 * gather of log-probabilities would need a scatter in its gradient, which some backends
 * lack.)
 */
import * as tf from '@tensorflow/tfjs-core';

export function sparseSoftmaxCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const classes = logits.shape[1];
    const oneHot = tf.oneHot(labels, classes, 1, 0, 'float32');
    return tf.losses.softmaxCrossEntropy(oneHot, logits, undefined, 0, tf.Reduction.MEAN) as tf.Scalar;
  });
}
