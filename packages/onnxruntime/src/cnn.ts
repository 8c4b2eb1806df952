/**
 * The VGG-style CNN of SPEC.md as ONNX graphs: forward, loss, gradients and the SGD-momentum
 * update are all nodes of one training-step graph, generated here and run by ONNX Runtime.
 * Read it next to packages/tfjs/src/cnn.ts: the steps are the same, in the same order.
 */
import { CNN_SPEC, type ModelOptions } from '@rosetta/harness';
import { add, conv, dropout, flatten, matMul, maxPool, relu, sgdMomentumOptimizer, type Tensor } from '@rosetta/onnx-graph';
import type { TrainingProgram } from './program.js';
import { compileProgram, sparseCrossEntropy, type Parameters } from './training-graph.js';

// #region load data
// The shared harness loads CIFAR-10; its iterator hands this backend NCHW float32 batches
// (pixels / 255, the native layout of ONNX Conv) with sparse int32 labels (framework.ts).
const INPUT = { dtype: 'float32', shape: [CNN_SPEC.channels, CNN_SPEC.imageSize, CNN_SPEC.imageSize] } as const;
// #endregion

// #region build model
interface Mode {
  /** Emit Dropout nodes (training with dropout on); otherwise dropout is the identity. */
  readonly dropout: boolean;
  /** Seed for the Dropout nodes: ONNX Runtime draws a new mask from it on every run. */
  readonly seed: number;
}

/** conv 3x3 "same" -> ReLU, weights OIHW as in the canonical layout. */
function convRelu(x: Tensor, p: Parameters, name: string): Tensor {
  return relu(conv(x, p[`${name}.weight`]!, p[`${name}.bias`]!, { pads: [1, 1, 1, 1] }));
}

function vggBlock(x: Tensor, p: Parameters, convs: readonly [string, string], mode: Mode, seed: number): Tensor {
  const h = maxPool(convRelu(convRelu(x, p, convs[0]), p, convs[1]), { kernelShape: [CNN_SPEC.poolSize, CNN_SPEC.poolSize] });
  return dropout(h, CNN_SPEC.convDropout, { training: mode.dropout, seed });
}

/** Logits [batch, 10] of an NCHW batch. */
function forward(x: Tensor, p: Parameters, mode: Mode): Tensor {
  const block1 = vggBlock(x, p, ['conv1', 'conv2'], mode, mode.seed);
  const block2 = vggBlock(block1, p, ['conv3', 'conv4'], mode, mode.seed + 1);
  // ONNX Flatten of NCHW is the (channel, row, column) order of the canonical dense1 rows.
  const hidden = relu(add(matMul(flatten(block2), p['dense1.weight']!), p['dense1.bias']!));
  const dropped = dropout(hidden, CNN_SPEC.denseDropout, { training: mode.dropout, seed: mode.seed + 2 });
  return add(matMul(dropped, p['dense2.weight']!), p['dense2.bias']!);
}
// #endregion

// #region loss and optimiser
// Softmax cross-entropy on the logits (sparse labels, batch mean), and SGD with momentum
// without unit gain (v = 0.9 v + g; w = w - 0.01 v): both are graph nodes; the gradients
// between them come from onnx-graph's reverse-mode differentiation.
const loss = sparseCrossEntropy;
const optimizer = sgdMomentumOptimizer({ learningRate: CNN_SPEC.optimizer.learningRate, momentum: CNN_SPEC.optimizer.momentum });
// #endregion

// #region train on mini-batches
/**
 * The step, chunk (K steps in a Loop) and inference graphs of the CNN. Training runs them
 * batch after batch in trainer.ts, feeding each run's updated weights and momentum into the next.
 */
export function cnnProgram(options: ModelOptions): TrainingProgram {
  return compileProgram({
    model: 'cnn',
    input: INPUT,
    batchSize: options.batchSize ?? CNN_SPEC.batchSize,
    classes: CNN_SPEC.classes,
    weights: options.weights,
    loss,
    optimizer,
    forward: (x, p, training) => forward(x, p, { dropout: training && options.dropout, seed: options.seed }),
  });
}
// #endregion

// #region predict
// Prediction runs the inference graph (the same forward, dropout off) on the current
// weights: OrtTrainer.predict in trainer.ts.
// #endregion

// #region evaluate
// Evaluation is done by the shared harness: accuracy = mean(argmax(logits) == label).
// #endregion
