// The two halves of the Conv gradient (the rule in rules/nn.ts explains the formulations).
import type { Tensor } from '../graph.js';
import { constant } from '../ops/constants.js';
import { matMul } from '../ops/linalg.js';
import { reduceSum } from '../ops/reduce.js';
import { conv, convTranspose, type ConvOptions } from '../ops/nn.js';
import { reshape, reverse, transpose } from '../ops/shape-ops.js';

/** A group-1 convolution's geometry: what both gradient halves need besides the tensors. */
export type ConvGeometry = Required<Omit<ConvOptions, 'group'>>;

export function spatialAxes(x: Tensor): number[] {
  return x.shape.slice(2).map((_, i) => i + 2);
}

export function convInputGrad(x: Tensor, w: Tensor, dy: Tensor, { pads, strides, dilations }: ConvGeometry): Tensor {
  const n = x.rank - 2;
  const kernel = w.staticShape().slice(2);
  const reach = kernel.map((k, i) => dilations[i]! * (k - 1));
  const flippedPads = [...reach.map((r, i) => r - pads[i]!), ...reach.map((r, i) => r - pads[i + n]!)];
  if (strides.some((s) => s !== 1) || flippedPads.some((p) => p < 0)) {
    return convTranspose(dy, w, x.staticShape().slice(2), { pads, strides, dilations });
  }
  const axes = spatialAxes(x);
  const flipped = reverse(transpose(w, [1, 0, ...axes]), axes);
  return conv(dy, flipped, null, { pads: flippedPads, dilations });
}

/**
 * The kernel W [O, C, k...] as C groups of one-hot filters: output channel c * K + p (K kernel
 * positions, row-major) copies what input channel c has under kernel position p. A grouped Conv
 * with it lays out every window a convolution of that shape sees, channel-major: an im2col done
 * by ONNX Runtime's own convolution, on all threads.
 */
function windowKernel(w: Tensor): Tensor {
  const [, inChannels, ...kernel] = w.staticShape() as [number, number, ...number[]];
  const positions = kernel.reduce((a, b) => a * b, 1);
  const values = new Array<number>(inChannels * positions * positions).fill(0);
  for (let c = 0; c < inChannels; c++) {
    for (let p = 0; p < positions; p++) values[(c * positions + p) * positions + p] = 1;
  }
  return constant(w.graph, w.dtype, [inChannels * positions, 1, ...kernel], values);
}

/**
 * The kernel and bias gradients of a convolution, each only if asked for:
 *
 *   dW[o, c, p] = sum over n, q of dY[n, o, q] * windows[n, c * K + p, q]
 *
 * with q the output positions and `windows` the grouped one-hot Conv of X (windowKernel), so
 * one batched MatMul over the images, [N, C K, Q] x [N, Q, O], then a sum over the images.
 */
export function convParameterGrads(
  x: Tensor,
  w: Tensor,
  dy: Tensor,
  { pads, strides, dilations }: ConvGeometry,
  needs: { kernel: boolean; bias: boolean },
): { kernel: Tensor | null; bias: Tensor | null } {
  const bias = needs.bias ? reduceSum(dy, [0, ...spatialAxes(x)]) : null;
  if (!needs.kernel) return { kernel: null, bias };
  const [outChannels, inChannels, ...kernel] = w.staticShape() as [number, number, ...number[]];
  const oneHot = windowKernel(w); // [C K, 1, k...]
  const windows = conv(x, oneHot, null, { pads, strides, dilations, group: inChannels });
  const columns = reshape(windows, [0, oneHot.staticShape()[0]!, -1]); // [N, C K, Q]
  const dyColumns = transpose(reshape(dy, [0, outChannels, -1]), [0, 2, 1]); // [N, Q, O]
  const perImage = matMul(columns, dyColumns); // [N, C K, O]
  const dw = reshape(transpose(reduceSum(perImage, [0]), [1, 0]), [outChannels, inChannels, ...kernel]);
  return { kernel: dw, bias };
}
