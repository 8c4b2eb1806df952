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
    // int32 one-hot, then a cast: the wasm backend's OneHot ignores a float32 dtype and
    // writes int32 bits (1 reads as 1.4e-45), which made every wasm loss ~0.
    const oneHot = tf.cast(tf.oneHot(labels, classes), 'float32');
    return tf.losses.softmaxCrossEntropy(oneHot, logits, undefined, 0, tf.Reduction.MEAN) as tf.Scalar;
  });
}
