// The two halves of the Conv gradient (the rule in rules/nn.ts explains the formulations).
import type { Tensor } from '../graph.js';
import { gemm } from '../ops/linalg.js';
import { reduceSum } from '../ops/reduce.js';
import { conv, convTranspose, type ConvOptions } from '../ops/nn.js';
import { concat, pad, reshape, reverse, slice, transpose, unsqueeze } from '../ops/shape-ops.js';

export function spatialAxes(x: Tensor): number[] {
  return x.shape.slice(2).map((_, i) => i + 2);
}

export function convInputGrad(x: Tensor, w: Tensor, dy: Tensor, { pads, strides, dilations }: Required<ConvOptions>): Tensor {
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
 * The kernel and bias gradients of a convolution, each only if asked for. The bias gradient sums
 * dY over batch and space; when the kernel gradient is built too it reads dY already transposed to
 * [O, N * space] for that, a sum along the contiguous last axis.
 */
export function convParameterGrads(
  x: Tensor,
  w: Tensor,
  dy: Tensor,
  { pads, strides, dilations }: Required<ConvOptions>,
  needs: { kernel: boolean; bias: boolean },
): { kernel: Tensor | null; bias: Tensor | null } {
  if (!needs.kernel) return { kernel: null, bias: needs.bias ? reduceSum(dy, [0, ...spatialAxes(x)]) : null };
  const n = x.rank - 2;
  const [outChannels, inChannels, ...kernel] = w.staticShape() as [number, number, ...number[]];
  const axes = spatialAxes(x);
  const swap = [1, 0, ...axes];
  const padded = pads.some((p) => p !== 0) ? pad(x, [0, 0, ...pads.slice(0, n), 0, 0, ...pads.slice(n)]) : x;
  const xT = transpose(padded, swap); // [C, N, ...padded space]
  const dyRows = reshape(transpose(dy, swap), [outChannels, -1]); // [O, N * out space]
  const outSpatial = dy.staticShape().slice(2);

  // Every kernel position in row-major order, so that the product's columns, channel-major,
  // reshape straight to W's [O, C, k...] layout.
  const positions = kernel.reduce<number[][]>((acc, k) => acc.flatMap((p) => Array.from({ length: k }, (_, i) => [...p, i])), [[]]);
  const windows = positions.map((pos) => {
    const starts = pos.map((i, a) => i * dilations[a]!);
    const ends = starts.map((s, a) => s + strides[a]! * (outSpatial[a]! - 1) + 1);
    return slice(xT, starts, ends, axes, strides); // [C, N, ...out space]: what this position saw
  });
  // One product over all positions: dY [O, N * out space] times the windows stacked as
  // [C * positions, N * out space], channel-major. A product per position would have only C
  // columns, and ORT's CPU Gemm of [O, N H W] x [N H W, C] barely speeds up with a second thread;
  // the stacked one, with C * 9 columns, does, which pays for copying the windows once more
  // (README.md, "Conv gradient formulations").
  const columns = reshape(concat(windows.map((window) => unsqueeze(window, [1])), 1), [inChannels * positions.length, -1]);
  const dw = reshape(gemm(dyRows, columns, null, { transB: true }), [outChannels, inChannels, ...kernel]);
  return { kernel: dw, bias: needs.bias ? reduceSum(dyRows, [1]) : null };
}
