import type { Node, Tensor } from '../graph.js';

/**
 * A share of the gradient of a matrix operand B [K, N], left as the product A^T dY of A [M, K] and
 * dY [M, N] instead of being computed on the spot. A weight used by several products (a recurrent
 * weight, once per time step) receives one share per use; the engine (grad.ts) adds them as one
 * product of the stacked operands, [A_1; A_2; ...]^T [dY_1; dY_2; ...], which is the same sum but one
 * large GEMM instead of one small GEMM per use and a Sum over them.
 */
export interface ProductShare {
  readonly kind: 'product';
  readonly a: Tensor;
  readonly dy: Tensor;
}

export function productShare(a: Tensor, dy: Tensor): ProductShare {
  if (a.rank !== 2 || dy.rank !== 2 || a.shape[0] !== dy.shape[0]) {
    throw new Error(`onnx-graph: a product share needs A [M, K] and dY [M, N], got ${a.name} [${a.shape.join(', ')}] and ${dy.name} [${dy.shape.join(', ')}]`);
  }
  return { kind: 'product', a, dy };
}

/**
 * A share that enters the sum with a minus sign (the subtrahend of a Sub): the engine subtracts it
 * from the other shares, one Sub node, where a Neg of its own and a Sum would be two.
 */
export interface NegatedShare {
  readonly kind: 'negated';
  readonly value: Tensor;
}

export function negatedShare(value: Tensor): NegatedShare {
  return { kind: 'negated', value };
}

export type Share = Tensor | ProductShare | NegatedShare;

export function isProductShare(share: Share): share is ProductShare {
  return 'kind' in share && share.kind === 'product';
}

export function isNegatedShare(share: Share): share is NegatedShare {
  return 'kind' in share && share.kind === 'negated';
}

/** What a rule may ask about the gradient being built, besides the node and its output gradients. */
export interface GradContext {
  /**
   * `needs[i]`: input i needs a gradient at all (it depends on a parameter and is a float). A rule
   * returns `null` for the others and builds nothing for them, because ONNX Runtime runs every node
   * of a graph, needed or not (a first convolution's input gradient would cost a convolution).
   */
  readonly needs: readonly boolean[];
}

/**
 * The gradient rule of one op type, in the spirit of TF.js gradient configs: given the forward
 * node and the gradients of the loss with respect to its outputs (`null` where an output does not
 * reach the loss), emit the nodes that compute the gradients with respect to its inputs and return
 * them, one per input (`null` for inputs that are not differentiable: indices, shapes, masks, and
 * for inputs that need none).
 */
export interface GradConfig {
  opType: string;
  gradFunc: (node: Node, dys: readonly (Tensor | null)[], context: GradContext) => (Share | null)[];
}

/** Reads a forward node's input or output that a rule relies on, with a clear error if it is absent. */
export function operand(list: readonly (Tensor | null)[], index: number, node: Node): Tensor {
  const t = list[index];
  if (t === null || t === undefined) throw new Error(`onnx-graph: ${node.opType} gradient needs operand ${index}`);
  return t;
}

/** `build()` when the input needs a gradient, otherwise null (nothing is built). */
export function ifNeeded<T>(needed: boolean | undefined, build: () => T): T | null {
  return needed === true ? build() : null;
}
