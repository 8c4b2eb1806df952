// The two halves of the Conv gradient (the rule in rules/nn.ts explains the formulations).
import type { Tensor } from '../graph.js';
import { constant } from '../ops/constants.js';
import { matMul } from '../ops/linalg.js';
import { reduceSum } from '../ops/reduce.js';
import { conv, convTranspose, type ConvOptions } from '../ops/nn.js';
import { sum } from '../ops/elementwise.js';
import { reshape, reverse, split, transpose } from '../ops/shape-ops.js';

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
 * The most bytes the windows of one chunk of images may take: the windows of a whole batch are the
 * largest tensor of a training step (conv2's at batch 64: [64, 450, 1024] float32, 118 MB), and
 * ONNX Runtime's arena keeps its high-water mark; chunks of images, summed, keep them this small.
 */
export const WINDOW_CHUNK_BYTES = 32 * 2 ** 20;

/**
 * The kernel and bias gradients of a convolution, each only if asked for:
 *
 *   dW[o, c, p] = sum over n, q of dY[n, o, q] * windows[n, c * K + p, q]
 *
 * with q the output positions and `windows` the grouped one-hot Conv of X (windowKernel), so
 * one batched MatMul over the images, [N, C K, Q] x [N, Q, O], then a sum over the images. Where
 * the windows of the whole batch would exceed WINDOW_CHUNK_BYTES, the images go in chunks whose
 * partial gradients are summed.
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
  const rows = oneHot.staticShape()[0]!;
  const perImage = (x: Tensor, dy: Tensor): Tensor => {
    const windows = conv(x, oneHot, null, { pads, strides, dilations, group: inChannels });
    const columns = reshape(windows, [0, rows, -1]); // [n, C K, Q]
    const dyColumns = transpose(reshape(dy, [0, outChannels, -1]), [0, 2, 1]); // [n, Q, O]
    return reduceSum(matMul(columns, dyColumns), [0]); // [C K, O]
  };
  const images = x.staticShape()[0]!;
  const windowBytes = rows * (dy.size() / images / outChannels) * 4;
  const chunk = Math.max(1, Math.floor(WINDOW_CHUNK_BYTES / windowBytes));
  let summed: Tensor;
  if (chunk >= images) {
    summed = perImage(x, dy);
  } else {
    const sizes = Array.from({ length: Math.ceil(images / chunk) }, (_, i) => Math.min(chunk, images - i * chunk));
    const [xs, dys] = [split(x, sizes, 0), split(dy, sizes, 0)];
    summed = sum(xs.map((xi, i) => perImage(xi, dys[i]!)));
  }
  const dw = reshape(transpose(summed, [1, 0]), [outChannels, inChannels, ...kernel]);
  return { kernel: dw, bias };
}
