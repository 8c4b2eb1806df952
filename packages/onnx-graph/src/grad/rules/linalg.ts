// Matrix products: for Y = A B, dA = dY B^T and dB = A^T dY. Gemm's transpose flags let the
// backward products read A and B in place instead of materialising transposes.
import type { Tensor } from '../../graph.js';
import { mul } from '../../ops/elementwise.js';
import { gemm, matMul } from '../../ops/linalg.js';
import { reshape, transpose } from '../../ops/shape-ops.js';
import { sumToShape } from '../unbroadcast.js';
import { operand, type GradConfig } from '../registry.js';

function swapLast(t: Tensor): Tensor {
  const perm = t.shape.map((_, i) => i);
  perm.splice(-2, 2, t.rank - 1, t.rank - 2);
  return transpose(t, perm);
}

export const matMulGrad: GradConfig = {
  opType: 'MatMul',
  gradFunc: (node, [dy]) => {
    const [a, b] = [operand(node.inputs, 0, node), operand(node.inputs, 1, node)];
    if (b.rank === 2) {
      // A [..., K] B [K, N]: fold A's leading axes into rows, so both products are plain Gemms.
      const [k, n] = b.staticShape() as [number, number];
      const a2 = a.rank === 2 ? a : reshape(a, [-1, k]);
      const dy2 = dy!.rank === 2 ? dy! : reshape(dy!, [-1, n]);
      const da2 = gemm(dy2, b, null, { transB: true });
      return [a.rank === 2 ? da2 : reshape(da2, a.staticShape()), gemm(a2, dy2, null, { transA: true })];
    }
    // Batched: transpose the last two axes and sum over batch axes an operand was broadcast along.
    return [sumToShape(matMul(dy!, swapLast(b)), a.shape), sumToShape(matMul(swapLast(a), dy!), b.shape)];
  },
};

/**
 * Y = alpha op(A) op(B) + beta C. With G = dY:
 * d op(A) = alpha G op(B)^T and d op(B) = alpha op(A)^T G, transposed back where op transposed.
 */
export const gemmGrad: GradConfig = {
  opType: 'Gemm',
  gradFunc: (node, [dy]) => {
    const [a, b] = [operand(node.inputs, 0, node), operand(node.inputs, 1, node)];
    const c = node.inputs[2] ?? null;
    const transA = node.attributes['transA'] === 1;
    const transB = node.attributes['transB'] === 1;
    const scale = (key: string): number => {
      const v = node.attributes[key];
      return v !== undefined && typeof v === 'object' && 'kind' in v && v.kind === 'float' ? v.value : 1;
    };
    const alpha = scale('alpha');
    const g = dy!;
    const da = transA ? gemm(b, g, null, { transA: transB, transB: true, alpha }) : gemm(g, b, null, { transB: !transB, alpha });
    const db = transB ? gemm(g, a, null, { transA: true, transB: transA, alpha }) : gemm(a, g, null, { transA: !transA, alpha });
    const beta = scale('beta');
    const dc = c === null ? null : sumToShape(beta === 1 ? g : mul(g, beta), c.shape);
    return c === null ? [da, db] : [da, db, dc];
  },
};
