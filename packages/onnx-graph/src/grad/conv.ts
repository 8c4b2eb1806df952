// The two halves of the Conv gradient (the rule in rules/nn.ts explains the formulations).
import type { Tensor } from '../graph.js';
import { gemm } from '../ops/linalg.js';
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

export function convKernelGrad(x: Tensor, w: Tensor, dy: Tensor, { pads, strides, dilations }: Required<ConvOptions>): Tensor {
  const n = x.rank - 2;
  const [outChannels, inChannels, ...kernel] = w.staticShape() as [number, number, ...number[]];
  const axes = spatialAxes(x);
  const swap = [1, 0, ...axes];
  const padded = pads.some((p) => p !== 0) ? pad(x, [0, 0, ...pads.slice(0, n), 0, 0, ...pads.slice(n)]) : x;
  const xT = transpose(padded, swap); // [C, N, ...padded space]
  const dyRows = reshape(transpose(dy, swap), [outChannels, -1]); // [O, N * out space]
  const outSpatial = dy.staticShape().slice(2);

  // Every kernel position, in row-major order so the stacked results reshape straight to W's shape.
  const positions = kernel.reduce<number[][]>((acc, k) => acc.flatMap((p) => Array.from({ length: k }, (_, i) => [...p, i])), [[]]);
  const perPosition = positions.map((pos) => {
    const starts = pos.map((i, a) => i * dilations[a]!);
    const ends = starts.map((s, a) => s + strides[a]! * (outSpatial[a]! - 1) + 1);
    const window = slice(xT, starts, ends, axes, strides);
    const products = gemm(dyRows, reshape(window, [inChannels, -1]), null, { transB: true }); // [O, C]
    return unsqueeze(products, [2]);
  });
  return reshape(concat(perPosition, 2), [outChannels, inChannels, ...kernel]);
}

