// Gradients of ops that only move values around: they move the gradient back the same way.
import type { Tensor } from '../../graph.js';
import { concat, pad, reshape, sliceLength, split, transpose, zeros } from '../../ops/shape-ops.js';
import { normalizeAxis } from '../../shape.js';
import { sumToShape } from '../unbroadcast.js';
import { operand, type GradConfig } from '../registry.js';

/** Reshape, Flatten, Squeeze and Unsqueeze keep the values in order: reshape the gradient back. */
function reshapeBack(opType: string): GradConfig {
  return {
    opType,
    gradFunc: (node, [dy]) => {
      const x = operand(node.inputs, 0, node);
      return [reshape(dy!, x.staticShape()), ...node.inputs.slice(1).map(() => null)];
    },
  };
}

export const reshapeGrad = reshapeBack('Reshape');
export const flattenGrad = reshapeBack('Flatten');
export const squeezeGrad = reshapeBack('Squeeze');
export const unsqueezeGrad = reshapeBack('Unsqueeze');

export const transposeGrad: GradConfig = {
  opType: 'Transpose',
  gradFunc: (node, [dy]) => {
    const perm = node.attributes['perm'] as readonly number[];
    const inverse = perm.map((_, i) => perm.indexOf(i));
    return [transpose(dy!, inverse)];
  },
};

export const expandGrad: GradConfig = {
  opType: 'Expand',
  gradFunc: (node, [dy]) => [sumToShape(dy!, operand(node.inputs, 0, node).shape), null],
};

/** The slice's gradient is the output gradient zero-padded back to the input's extent (step 1). */
export const sliceGrad: GradConfig = {
  opType: 'Slice',
  gradFunc: (node, [dy]) => {
    const x = operand(node.inputs, 0, node);
    const read = (i: number): number[] => {
      const t = operand(node.inputs, i, node);
      return Array.from(t.graph.constantValue(t).values as ArrayLike<number | bigint>, Number);
    };
    if (node.inputs.length > 4 && read(4).some((step) => step !== 1)) throw new Error('onnx-graph: Slice gradient supports step 1 only');
    const [starts, ends, axes] = [read(1), read(2), read(3)];
    const dims = x.staticShape();
    const pads = new Array<number>(2 * x.rank).fill(0);
    axes.forEach((axis, i) => {
      const a = normalizeAxis(axis, x.rank);
      const start = Math.min(Math.max(starts[i]! < 0 ? starts[i]! + dims[a]! : starts[i]!, 0), dims[a]!);
      pads[a] = start;
      pads[a + x.rank] = dims[a]! - start - sliceLength(starts[i]!, ends[i]!, 1, dims[a]!);
    });
    return [pad(dy!, pads), ...node.inputs.slice(1).map(() => null)];
  },
};

/** Split's gradient concatenates the pieces' gradients; a piece that reached no loss contributes zeros. */
export const splitGrad: GradConfig = {
  opType: 'Split',
  gradFunc: (node, dys) => {
    const x = operand(node.inputs, 0, node);
    const axis = node.attributes['axis'] as number;
    const pieces = node.outputs.map((out, i): Tensor => dys[i] ?? zeros(x.graph, out.dtype, out.staticShape()));
    return [concat(pieces, axis), null];
  },
};

export const concatGrad: GradConfig = {
  opType: 'Concat',
  gradFunc: (node, [dy]) => {
    const axis = node.attributes['axis'] as number;
    const sizes = node.inputs.map((x) => x!.staticShape()[axis]!);
    return split(dy!, sizes, axis);
  },
};

