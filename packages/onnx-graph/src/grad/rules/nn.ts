// Convolution, pooling and dropout.
import { and, cast, equal, mul } from '../../ops/elementwise.js';
import { constant } from '../../ops/constants.js';
import { matMul } from '../../ops/linalg.js';
import { cumSum } from '../../ops/reduce.js';
import { reshape } from '../../ops/shape-ops.js';
import type { DType } from '../../dtype.js';
import type { Graph, Node, Tensor } from '../../graph.js';
import { convInputGrad, convParameterGrads, type ConvGeometry } from '../conv.js';
import { ifNeeded, operand, type GradConfig } from '../registry.js';

function convOptions(node: Node): ConvGeometry {
  const group = node.attributes['group'] as number | undefined;
  if (group !== undefined && group !== 1) throw new Error(`onnx-graph: no gradient rule for grouped Conv ${node.outputs[0]?.name} (group ${group})`);
  return {
    pads: node.attributes['pads'] as number[],
    strides: node.attributes['strides'] as number[],
    dilations: node.attributes['dilations'] as number[],
  };
}

/**
 * Conv (NCHW input X [N, C, ...], kernel W [O, C, k...], stride s, dilation d, pads p):
 *
 * - dX: with stride 1, the input gradient is itself a convolution: of dY with W flipped in space
 *   and with its O and C axes swapped, padded by d (k - 1) - p on each side. With larger strides it
 *   is a ConvTranspose (the same thing with zeros between the dY values).
 * - dW[o, c, i, j] = sum over n, y, x of dY[n, o, y, x] Xpad[n, c, i d + y s, j d + x s]: the
 *   windows the kernel positions saw, laid out by a grouped Conv of X with one-hot kernels, then
 *   one batched MatMul with dY over the images and a sum over them (grad/conv.ts).
 * - dB sums dY over batch and space.
 *
 * Each input gets a gradient only if it needs one: the first layer's X (the image) does not.
 * The formulations were chosen by measuring the alternatives on ORT's CPU provider at the CNN's
 * layer shapes with one and two threads (bench/conv-grad.bench.ts, README.md).
 */
export const convGrad: GradConfig = {
  opType: 'Conv',
  gradFunc: (node, [dy], { needs }) => {
    const [x, w] = [operand(node.inputs, 0, node), operand(node.inputs, 1, node)];
    const options = convOptions(node);
    const dx = ifNeeded(needs[0], () => convInputGrad(x, w, dy!, options));
    const { kernel, bias } = convParameterGrads(x, w, dy!, options, { kernel: needs[1] === true, bias: node.inputs[2] !== undefined && needs[2] === true });
    return node.inputs[2] === undefined ? [dx, kernel] : [dx, kernel, bias];
  },
};

/**
 * The permutation of a row of width W = kw * Wo that brings the window columns together: input
 * column (j, b) (window j, offset b within it) goes to output column (b, j). As a W x W matrix of
 * ones and zeros, so that a MatMul applies it (its transpose undoes it): exact for finite values,
 * and it runs on both threads where ONNX Runtime's CPU Transpose of this shape (an innermost axis
 * of 2) takes over 100 times longer with 2 intra-op threads than with one (README.md).
 */
function windowPermutation(graph: Graph, dtype: DType, windows: number, width: number, inverse: boolean): Tensor {
  const size = windows * width;
  const values = new Array<number>(size * size).fill(0);
  for (let j = 0; j < windows; j++) {
    for (let b = 0; b < width; b++) {
      const [from, to] = [j * width + b, b * windows + j];
      values[inverse ? to * size + from : from * size + to] = 1;
    }
  }
  return constant(graph, dtype, [size, size], values);
}

/**
 * MaxPool (2-D, windows that tile the input: kernel = stride, no padding): the gradient goes to the
 * first maximum of each window in row-major order, the position MaxPool's Indices output would name.
 * Rather than asking the forward MaxPool for its Indices (ONNX Runtime's CPU MaxPool computes them
 * in a scalar loop, over 10 times slower than MLAS's pooling without them) the rule finds the
 * positions itself:
 *
 * 1. The input as rows of windows: [N C Ho, kh, Wo, kw] made [N C Ho, kh kw, Wo] by a permutation
 *    of each row of width W (windowPermutation), so a window's kh kw values lie along axis 1.
 * 2. isMax = (value == pooled value), broadcast along axis 1; the first of them is the one with no
 *    earlier isMax in the window: an exclusive CumSum along axis 1 is 0 there.
 * 3. dX is dY at that position and 0 elsewhere (a multiplication by the mask), permuted back.
 *
 * Where windows tie (a flat region of an image) only the first receives the gradient,
 * as with Indices (a test compares with MaxUnpool of Indices on ties).
 */
export const maxPoolGrad: GradConfig = {
  opType: 'MaxPool',
  gradFunc: (node, [dy]) => {
    const x = operand(node.inputs, 0, node);
    const y = operand(node.outputs, 0, node);
    const [kh, kw] = node.attributes['kernel_shape'] as number[];
    const strides = node.attributes['strides'] as number[];
    const pads = node.attributes['pads'] as number[];
    const dims = x.staticShape();
    if (x.rank !== 4 || kh !== strides[0] || kw !== strides[1] || pads.some((p) => p !== 0) || dims[2]! % kh! !== 0 || dims[3]! % kw! !== 0) {
      throw new Error(
        `onnx-graph: MaxPool gradient supports 2-D windows that tile the input (kernel = stride, no padding), got ${x.name} [${dims.join(', ')}], kernel [${kh}, ${kw}], strides [${strides.join(', ')}]`,
      );
    }
    const [rows, wo] = [(dims[0]! * dims[1]! * dims[2]!) / kh!, dims[3]! / kw!];
    const width = dims[3]!;
    const g = x.graph;
    const windows = reshape(matMul(reshape(x, [-1, width]), windowPermutation(g, x.dtype, wo, kw!, false)), [rows, kh! * kw!, wo]);
    const isMax = equal(windows, reshape(y, [rows, 1, wo]));
    const first = and(isMax, equal(cumSum(cast(isMax, x.dtype), 1, { exclusive: true }), 0));
    const dWindows = mul(cast(first, x.dtype), reshape(dy!, [rows, 1, wo]));
    return [reshape(matMul(reshape(dWindows, [-1, width]), windowPermutation(g, x.dtype, wo, kw!, true)), dims)];
  },
};

/** Dropout multiplied the kept values by 1 / (1 - ratio); the gradient goes through the same mask and scale. */
export const dropoutGrad: GradConfig = {
  opType: 'Dropout',
  gradFunc: (node, [dy]) => {
    const ratioTensor = operand(node.inputs, 1, node);
    const ratio = Number(ratioTensor.graph.constantValue(ratioTensor).values[0]);
    const mask = operand(node.outputs, 1, node);
    return [mul(mul(dy!, cast(mask, dy!.dtype)), 1 / (1 - ratio)), null, null];
  },
};
