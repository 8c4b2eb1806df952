// Convolution, pooling and dropout.
import { cast, mul } from '../../ops/elementwise.js';
import { scatterElements } from '../../ops/indexing.js';
import { conv, convTranspose, type ConvOptions } from '../../ops/nn.js';
import { reduceSum } from '../../ops/reduce.js';
import { reshape, slice, transpose, zeros } from '../../ops/shape-ops.js';
import type { Node } from '../../graph.js';
import { operand, type GradConfig } from '../registry.js';

function convOptions(node: Node): Required<ConvOptions> {
  return {
    pads: node.attributes['pads'] as number[],
    strides: node.attributes['strides'] as number[],
    dilations: node.attributes['dilations'] as number[],
  };
}

/**
 * Conv (NCHW, OIHW):
 * - dX is the transposed convolution of dY with the same kernel (ConvTranspose, which CPU and CUDA
 *   both run natively).
 * - dW[o, c, i, j] = sum over n, y, x of dY[n, o, y, x] X[n, c, y s + i d, x s + j d]: a convolution
 *   of X with dY as the kernel once batch and channels swap places, with the forward stride s
 *   as its dilation and the forward dilation d as its stride. Any rows past the kernel size are
 *   sliced off.
 * - dB sums dY over batch and space.
 */
export const convGrad: GradConfig = {
  opType: 'Conv',
  gradFunc: (node, [dy]) => {
    const [x, w] = [operand(node.inputs, 0, node), operand(node.inputs, 1, node)];
    const { pads, strides, dilations } = convOptions(node);
    const spatialAxes = x.shape.slice(2).map((_, i) => i + 2);
    const dx = convTranspose(dy!, w, x.staticShape().slice(2), { pads, strides, dilations });

    const swap = [1, 0, ...spatialAxes];
    const full = conv(transpose(x, swap), transpose(dy!, swap), null, { pads, strides: dilations, dilations: strides });
    const kernel = w.staticShape().slice(2);
    const needsSlice = full.staticShape().slice(2).some((d, i) => d !== kernel[i]);
    const cropped = needsSlice ? slice(full, kernel.map(() => 0), kernel, spatialAxes) : full;
    const dw = transpose(cropped, swap);

    const db = node.inputs[2] ? reduceSum(dy!, [0, ...spatialAxes]) : null;
    return node.inputs[2] ? [dx, dw, db] : [dx, dw];
  },
};

/**
 * MaxPool: the Indices output holds, for every pooled value, the flat position (over the whole
 * NCHW input) of the maximum it came from. The input gradient is the output gradient scattered to
 * those positions in a zero tensor. The windows here must not overlap (kernel <= stride, no
 * padding), so every input position is the maximum of at most one window: the indices are
 * distinct, a plain scatter (reduction "none") writes each position at most once, and the result
 * does not depend on the order in which the kernel writes.
 */
export const maxPoolGrad: GradConfig = {
  opType: 'MaxPool',
  gradFunc: (node, [dy]) => {
    const x = operand(node.inputs, 0, node);
    const indices = node.outputs[1];
    if (indices === undefined) throw new Error('onnx-graph: MaxPool gradient needs the Indices output (maxPool withIndices: true)');
    const kernel = node.attributes['kernel_shape'] as number[];
    const strides = node.attributes['strides'] as number[];
    const pads = node.attributes['pads'] as number[];
    if (kernel.some((k, i) => k > strides[i]!) || pads.some((p) => p !== 0)) {
      throw new Error('onnx-graph: MaxPool gradient needs non-overlapping windows (kernel <= stride, no padding)');
    }
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
