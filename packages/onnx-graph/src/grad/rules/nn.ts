// Convolution, pooling and dropout.
import { cast, mul } from '../../ops/elementwise.js';
import { scatterElements } from '../../ops/indexing.js';
import { maxUnpool, type ConvOptions } from '../../ops/nn.js';
import { reduceSum } from '../../ops/reduce.js';
import { reshape, zeros } from '../../ops/shape-ops.js';
import type { Node } from '../../graph.js';
import { convInputGrad, convKernelGrad, spatialAxes } from '../conv.js';
import { ifNeeded, operand, type GradConfig } from '../registry.js';

function convOptions(node: Node): Required<ConvOptions> {
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
 * - dW[o, c, i, j] = sum over n, y, x of dY[n, o, y, x] Xpad[n, c, i d + y s, j d + x s]: for each
 *   kernel position (i, j), one matrix product of dY as [O, N*H'*W'] with the window of the padded X
 *   that position saw, as [C, N*H'*W']. That is k_h k_w Gemms of the size of the forward pass.
 * - dB sums dY over batch and space.
 *
 * Both were chosen by measuring the alternatives on ORT's CPU provider at the CNN's layer-2 shape
 * (bench/conv-grad.bench.ts): ConvTranspose costs more than the flipped Conv, and dW written as
 * one Conv of the transposed X and dY (dY as a 32x32 kernel) about twice the Gemms. README.md has
 * the numbers.
 */
export const convGrad: GradConfig = {
  opType: 'Conv',
  gradFunc: (node, [dy], { needs }) => {
    const [x, w] = [operand(node.inputs, 0, node), operand(node.inputs, 1, node)];
    const options = convOptions(node);
    const db = ifNeeded(node.inputs[2] !== undefined && needs[2], () => reduceSum(dy!, [0, ...spatialAxes(x)]));
    const grads = [ifNeeded(needs[0], () => convInputGrad(x, w, dy!, options)), ifNeeded(needs[1], () => convKernelGrad(x, w, dy!, options))];
    return node.inputs[2] === undefined ? grads : [...grads, db];
  },
};

/**
 * MaxPool: the Indices output holds, for every pooled value, the flat position (over the whole NCHW
 * input) of the maximum it came from (the first one in the window where several tie). The input
 * gradient is the output gradient written at those positions into zeros: MaxUnpool, which is
 * exactly that. The windows here must not overlap (kernel <= stride, no padding), so every input
 * position is the maximum of at most one window and is written at most once, whatever the order.
 *
 * ONNX Runtime's CUDA provider has no MaxUnpool; where it is unavailable the same writes are a
 * ScatterElements (reduction "none") into a flat zero tensor. On the CPU provider MaxUnpool is the
 * faster of the two (README.md).
 */
export const maxPoolGrad: GradConfig = {
  opType: 'MaxPool',
  gradFunc: (node, [dy], { available }) => {
    const x = operand(node.inputs, 0, node);
    const indices = node.outputs[1];
    if (indices === undefined) throw new Error('onnx-graph: MaxPool gradient needs the Indices output (maxPool withIndices: true)');
    const kernelShape = node.attributes['kernel_shape'] as number[];
    const strides = node.attributes['strides'] as number[];
    const pads = node.attributes['pads'] as number[];
    if (kernelShape.some((k, i) => k > strides[i]!) || pads.some((p) => p !== 0)) {
      throw new Error('onnx-graph: MaxPool gradient needs non-overlapping windows (kernel <= stride, no padding)');
    }
    if (available('MaxUnpool')) return [maxUnpool(dy!, indices, x.staticShape(), { kernelShape, strides, pads })];
    const flat = zeros(x.graph, x.dtype, [x.size()]);
    const scattered = scatterElements(flat, reshape(indices, [-1]), reshape(dy!, [-1]), 0);
    return [reshape(scattered, x.staticShape())];
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
