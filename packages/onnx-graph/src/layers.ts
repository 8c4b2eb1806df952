/**
 * Layers, as a model file writes them: each is the ops that a TF.js or PyTorch layer
 * computes, so that a forward pass reads as a stack of layers. They add no op and no gradient
 * rule of their own: reverse mode sees the ops.
 */
import type { Tensor } from './graph.js';
import { add, mul, sigmoid, sub, tanh } from './ops/elementwise.js';
import { matMul } from './ops/linalg.js';
import { conv } from './ops/nn.js';
import { reshape, split, zeros } from './ops/shape-ops.js';

/** x W + b: a dense (fully connected) layer on [batch, in] with W [in, out]. */
export function dense(x: Tensor, kernel: Tensor, bias: Tensor): Tensor {
  return add(matMul(x, kernel), bias);
}

/** A 2-D convolution of stride 1 with "same" padding, on NCHW x with an OIHW kernel of odd size. */
export function conv2d(x: Tensor, kernel: Tensor, bias: Tensor): Tensor {
  const [, , kh, kw] = kernel.shape as [number, number, number, number];
  if (kh % 2 === 0 || kw % 2 === 0) throw new Error(`onnx-graph: conv2d pads "same" for odd kernels, got ${kernel.name} [${kernel.shape.join(', ')}]`);
  const [ph, pw] = [(kh - 1) / 2, (kw - 1) / 2];
  return conv(x, kernel, bias, { pads: [ph, pw, ph, pw] });
}

export interface GruWeights {
  /** [in, 3 units], the gates z, r, h side by side. */
  readonly kernel: Tensor;
  /** [units, 3 units], the same gates. */
  readonly recurrentKernel: Tensor;
  /** [3 units]. */
  readonly bias: Tensor;
}

/**
 * One step of the classic GRU (ONNX linear_before_reset = 0, Keras reset_after = false): the
 * reset gate scales h before the recurrent product.
 *   z, r = sigmoid(x Wzr + h Rzr + bzr)
 *   c    = tanh(x Wh + (r * h) Rh + bh)
 *   h'   = z * h + (1 - z) * c  =  c + z * (h - c)
 * `xzr` and `xh` are this step's slices of x W + b, computed for all steps at once.
 */
function gruStep(h: Tensor, xzr: Tensor, xh: Tensor, rzr: Tensor, rh: Tensor, units: number): Tensor {
  const [z, r] = split(sigmoid(add(xzr, matMul(h, rzr))), [units, units], 1) as [Tensor, Tensor];
  const c = tanh(add(xh, matMul(mul(r, h), rh)));
  return add(c, mul(z, sub(h, c)));
}

/**
 * A GRU over time-major x [steps, batch, in] from a zero state, unrolled: the output of its
 * last step, [batch, units]. The input half of every gate for all steps takes two products, z
 * and r together and h apart ([steps * batch, 2 units] and [steps * batch, units]), each cut
 * along its rows into the steps' [batch, ...] slices: no per-step reshape or split of the gates.
 */
export function gru(x: Tensor, { kernel, recurrentKernel, bias }: GruWeights): Tensor {
  const [steps, batch, features] = x.staticShape() as [number, number, number];
  const [units] = recurrentKernel.staticShape() as [number];
  const rows = reshape(x, [steps * batch, features]);
  const [kzr, kh] = split(kernel, [2 * units, units], 1) as [Tensor, Tensor];
  const [bzr, bh] = split(bias, [2 * units, units], 0) as [Tensor, Tensor];
  const perStep = (k: Tensor, b: Tensor) => split(add(matMul(rows, k), b), new Array<number>(steps).fill(batch), 0);
  const [xzrs, xhs] = [perStep(kzr, bzr), perStep(kh, bh)];
  const [rzr, rh] = split(recurrentKernel, [2 * units, units], 1) as [Tensor, Tensor];
  let h = zeros(x.graph, 'float32', [batch, units]);
  for (let t = 0; t < steps; t++) h = gruStep(h, xzrs[t]!, xhs[t]!, rzr, rh, units);
  return h;
}
