import { graphOf, float, type Dim, type Tensor } from '../graph.js';
import { broadcastShapes } from '../shape.js';

/** Matrix product with numpy semantics (batched over leading dimensions). */
export function matMul(a: Tensor, b: Tensor): Tensor {
  if (a.rank < 2 || b.rank < 2) throw new Error(`onnx-graph: matMul needs rank >= 2, got ${a.name} and ${b.name}`);
  const [m, k] = a.shape.slice(-2) as [Dim, Dim];
  const [k2, n] = b.shape.slice(-2) as [Dim, Dim];
  if (typeof k === 'number' && typeof k2 === 'number' && k !== k2) {
    throw new Error(`onnx-graph: matMul of [${a.shape.join(', ')}] and [${b.shape.join(', ')}]`);
  }
  const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2));
  return graphOf(a, b).addNode('MatMul', [a, b], {}, [{ dtype: a.dtype, shape: [...batch, m, n] }])[0]!;
}

export interface GemmOptions {
  transA?: boolean;
  transB?: boolean;
  alpha?: number;
  beta?: number;
}

/** alpha * op(A) op(B) + beta * C, with op a transpose when asked; C broadcasts to the result. */
export function gemm(a: Tensor, b: Tensor, c: Tensor | null, options: GemmOptions = {}): Tensor {
  const { transA = false, transB = false, alpha = 1, beta = 1 } = options;
  if (a.rank !== 2 || b.rank !== 2) throw new Error(`onnx-graph: gemm needs 2-D ${a.name} and ${b.name}`);
  const m = a.shape[transA ? 1 : 0]!;
  const n = b.shape[transB ? 0 : 1]!;
  const attributes = {
    transA: transA ? 1 : 0,
    transB: transB ? 1 : 0,
    alpha: alpha === 1 ? undefined : float(alpha),
    beta: beta === 1 ? undefined : float(beta),
  };
  return graphOf(a, b, c).addNode('Gemm', c === null ? [a, b] : [a, b, c], attributes, [{ dtype: a.dtype, shape: [m, n] }])[0]!;
}
