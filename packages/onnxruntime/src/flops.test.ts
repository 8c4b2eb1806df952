/**
 * The FLOP count `rosetta bench` divides by (harness flops.ts, worked from SPEC.md's shapes)
 * against an independent count: the multiply-adds of the products in the generated training
 * graphs, from the shapes onnx-graph gave their nodes.
 */
import { trainingStepFlops, initialWeights, type ModelName } from '@rosetta/harness';
import type { Graph, Node, Tensor } from '@rosetta/onnx-graph';
import { describe, expect, test } from 'vitest';
import { buildProgram } from './backend.js';

const product = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/** A graph constant (initialiser) of zeros and ones only: a permutation or selection, moving data rather than computing. */
function isSelection(graph: Graph, t: Tensor): boolean {
  const entry = graph.initializers.find((i) => i.tensor === t);
  return entry !== undefined && Array.from(entry.value.values as ArrayLike<number>).every((v) => v === 0 || v === 1);
}

/**
 * Multiply-adds of a Conv, MatMul or Gemm node; 0 for the nodes that only move data: a grouped
 * Conv with one-hot kernels (the filter gradient's im2col) and a MatMul by a 0/1 matrix (the
 * max-pool gradient's window permutation).
 */
function multiplyAdds(graph: Graph, node: Node): number {
  const [a, b] = node.inputs as [Tensor, Tensor];
  const out = node.outputs[0]!.staticShape();
  switch (node.opType) {
    case 'Conv': {
      if (((node.attributes['group'] as number | undefined) ?? 1) > 1) return 0;
      const [, channels, ...kernel] = b.staticShape();
      return product(out) * channels! * product(kernel);
    }
    case 'MatMul':
      return isSelection(graph, a) || isSelection(graph, b) ? 0 : product(out) * a.staticShape().at(-1)!;
    case 'Gemm': {
      const transA = (node.attributes['transA'] as number | undefined) === 1;
      const [rows, columns] = a.staticShape() as [number, number];
      return product(out) * (transA ? rows : columns);
    }
    default:
      return 0;
  }
}

describe('the FLOPs of a training step', () => {
  test.each(['cnn', 'rnn'] as const)('%s: the count from SPEC.md equals the products of the generated training graph', (model: ModelName) => {
    const batchSize = 8;
    const program = buildProgram({ model, weights: initialWeights(model, 1), seed: 1, dropout: false, batchSize });
    const graph = program.stepGraph;
    const counted = 2 * graph.nodes.reduce((sum, node) => sum + multiplyAdds(graph, node), 0);
    expect(counted).toBe(trainingStepFlops(model, batchSize));
  });
});
