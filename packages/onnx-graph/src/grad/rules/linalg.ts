// Matrix products: for Y = A B, dA = dY B^T and dB = A^T dY. Gemm's transpose flags let the
// backward products read A and B in place instead of materialising transposes.
import type { Tensor } from '../../graph.js';
import { mul } from '../../ops/elementwise.js';
import { gemm, matMul } from '../../ops/linalg.js';
import { reshape, transpose } from '../../ops/shape-ops.js';
import { sumToShape } from '../unbroadcast.js';
import { ifNeeded, operand, productShare, type GradConfig } from '../registry.js';

function swapLast(t: Tensor): Tensor {
  const perm = t.shape.map((_, i) => i);
  perm.splice(-2, 2, t.rank - 1, t.rank - 2);
  return transpose(t, perm);
}

/**
 * Y = A B. With B [K, N] (a weight), A's leading axes fold into rows, so both products are plain
 * Gemms, and dB = A^T dY is handed to the engine as a product share: a weight used by many MatMuls
 * (once per time step) then gets one GEMM over all of them (registry.ts, ProductShare).
 */
export const matMulGrad: GradConfig = {
  opType: 'MatMul',
  gradFunc: (node, [dy], { needs }) => {
    const [a, b] = [operand(node.inputs, 0, node), operand(node.inputs, 1, node)];
    if (b.rank === 2) {
      const [k, n] = b.staticShape() as [number, number];
      const dy2 = dy!.rank === 2 ? dy! : reshape(dy!, [-1, n]);
      const da = ifNeeded(needs[0], () => {
        const da2 = gemm(dy2, b, null, { transB: true });
        return a.rank === 2 ? da2 : reshape(da2, a.staticShape());
      });
      return [da, ifNeeded(needs[1], () => productShare(a.rank === 2 ? a : reshape(a, [-1, k]), dy2))];
    }
    // Batched: transpose the last two axes and sum over batch axes an operand was broadcast along.
    return [
      ifNeeded(needs[0], () => sumToShape(matMul(dy!, swapLast(b)), a.shape)),
      ifNeeded(needs[1], () => sumToShape(matMul(swapLast(a), dy!), b.shape)),
    ];
  },
};

/**
 * Y = alpha op(A) op(B) + beta C. With G = dY:
 * d op(A) = alpha G op(B)^T and d op(B) = alpha op(A)^T G, transposed back where op transposed.
 * dB of the plain form (alpha 1, A not transposed) is a product share, as in MatMul: A^T G, or
 * G^T A when B was transposed.
 */
export const gemmGrad: GradConfig = {
  opType: 'Gemm',
  gradFunc: (node, [dy], { needs }) => {
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
    const da = ifNeeded(needs[0], () =>
      transA ? gemm(b, g, null, { transA: transB, transB: true, alpha }) : gemm(g, b, null, { transB: !transB, alpha }),
    );
    const db = ifNeeded(needs[1], () => {
      if (alpha === 1 && !transA) return transB ? productShare(g, a) : productShare(a, g);
      return transB ? gemm(g, a, null, { transA: true, transB: transA, alpha }) : gemm(a, g, null, { transA: !transA, alpha });
    });
    const beta = scale('beta');
    const dc = ifNeeded(c !== null && needs[2], () => sumToShape(beta === 1 ? g : mul(g, beta), c!.shape));
    return c === null ? [da, db] : [da, db, dc];
  },
};
