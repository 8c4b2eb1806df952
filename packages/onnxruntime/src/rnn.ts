/**
 * The GRU of SPEC.md as ONNX graphs: embedding, a GRU unrolled over the 150 time steps, the
 * dense head, the loss, its gradients and the Adam update, all nodes of one training-step
 * graph. Read it next to packages/tfjs/src/rnn.ts: the steps are the same, in the same order.
 */
import { RNN_SPEC, type ModelOptions } from '@rosetta/harness';
import { adamOptimizer, add, gather, matMul, mul, reshape, sigmoid, split, sub, tanh, transpose, zeros, type Tensor } from '@rosetta/onnx-graph';
import type { TrainingProgram } from './program.js';
import { compileProgram, sparseCrossEntropy, type Parameters } from './training-graph.js';

// #region load data
// The shared harness loads IMDB (last 150 tokens, padded with 0 at the end, vocabulary
// 30,000); its iterator hands this backend int32 token batches [batch, 150] with sparse labels.
const INPUT = { dtype: 'int32', shape: [RNN_SPEC.sequenceLength] } as const;
// #endregion

// #region build model
/**
 * One GRU step in the classic formulation (ONNX linear_before_reset = 0, Keras
 * reset_after = false): the reset gate scales h before the recurrent matmul.
 *   z, r = sigmoid(x Wzr + h Rzr + bzr)
 *   c    = tanh(x Wh + (r * h) Rh + bh)
 *   h'   = z * h + (1 - z) * c  =  c + z * (h - c)
 * `xzr` and `xh` are this step's slices of x W + b, computed for all steps at once.
 */
function gruStep(h: Tensor, xzr: Tensor, xh: Tensor, rzr: Tensor, rh: Tensor): Tensor {
  const [z, r] = split(sigmoid(add(xzr, matMul(h, rzr))), [RNN_SPEC.units, RNN_SPEC.units], 1) as [Tensor, Tensor];
  const c = tanh(add(xh, matMul(mul(r, h), rh)));
  return add(c, mul(z, sub(h, c)));
}

/** Logits [batch, 2] of a token batch [batch, 150]. */
function forward(tokens: Tensor, p: Parameters): Tensor {
  const { units, embeddingSize, sequenceLength: steps } = RNN_SPEC;
  const [batch] = tokens.staticShape() as [number];
  // Time-major: [150, batch, 125] embeddings, so that step t is a slice along the first axis.
  const embedded = gather(p['embedding.weight']!, transpose(tokens, [1, 0]));
  // The input half of every gate for all 150 steps in one matmul: [150 * batch, 300].
  const projected = add(matMul(reshape(embedded, [steps * batch, embeddingSize]), p['gru.kernel']!), p['gru.bias']!);
  const perStep = split(reshape(projected, [steps, batch, 3 * units]), new Array<number>(steps).fill(1), 0);
  const [rzr, rh] = split(p['gru.recurrentKernel']!, [2 * units, units], 1) as [Tensor, Tensor];
  let h = zeros(tokens.graph, 'float32', [batch, units]);
  for (const slice of perStep) {
    const [xzr, xh] = split(reshape(slice, [batch, 3 * units]), [2 * units, units], 1) as [Tensor, Tensor];
    h = gruStep(h, xzr, xh, rzr, rh);
  }
  // Only the last time step's output feeds the classifier.
  return add(matMul(h, p['dense.weight']!), p['dense.bias']!);
}
// #endregion

// #region loss and optimiser
// Softmax cross-entropy on the logits (sparse labels, batch mean), and Adam (lr 0.001,
// beta1 0.9, beta2 0.999, epsilon 1e-8, with bias correction): both are graph nodes; the
// gradients between them come from onnx-graph's reverse-mode differentiation.
const loss = sparseCrossEntropy;
const { learningRate, beta1, beta2, epsilon } = RNN_SPEC.optimizer;
const optimizer = adamOptimizer({ learningRate, beta1, beta2, epsilon });
// #endregion

// #region train on mini-batches
/**
 * The step, chunk (K steps in a Loop) and inference graphs of the GRU. Training runs them
 * batch after batch in trainer.ts, feeding each run's updated weights and Adam moments into
 * the next. The model has no dropout, so `options.dropout` changes nothing here.
 */
export function rnnProgram(options: ModelOptions): TrainingProgram {
  return compileProgram({
    model: 'rnn',
    input: INPUT,
    batchSize: options.batchSize ?? RNN_SPEC.batchSize,
    classes: RNN_SPEC.classes,
    weights: options.weights,
    loss,
    optimizer,
    forward: (x, p) => forward(x, p),
  });
}
// #endregion

// #region predict
// Prediction runs the inference graph (the same forward) on the current weights:
// OrtTrainer.predict in trainer.ts.
// #endregion

// #region evaluate
// Evaluation is done by the shared harness: accuracy = mean(argmax(logits) == label).
// #endregion
