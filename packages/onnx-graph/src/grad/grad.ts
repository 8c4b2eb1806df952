import type { Node, Tensor } from '../graph.js';
import { isFloat } from '../dtype.js';
import { scalar } from '../ops/constants.js';
import { isGradientStop, neg, sub, sum } from '../ops/elementwise.js';
import { gemm } from '../ops/linalg.js';
import { concat } from '../ops/shape-ops.js';
import { sameShape } from '../shape.js';
import { isNegatedShare, isProductShare, type ProductShare, type Share } from './registry.js';
import { gradients } from './rules/index.js';

/** The shape a share stands for: its tensor's, or [K, N] for a product A^T dY. */
function shareShape(share: Share): readonly (number | string)[] {
  if (isProductShare(share)) return [share.a.shape[1]!, share.dy.shape[1]!];
  return isNegatedShare(share) ? share.value.shape : share.shape;
}

/**
 * The products among a tensor's shares as one GEMM: stacking the A's and the dY's along their rows
 * turns the sum of the A_i^T dY_i into a single product (the operands are stacked in the same order).
 */
function stackedProduct(products: readonly ProductShare[]): Tensor {
  const stack = (ts: readonly Tensor[]): Tensor => (ts.length === 1 ? ts[0]! : concat(ts, 0));
  return gemm(stack(products.map((p) => p.a)), stack(products.map((p) => p.dy)), null, { transA: true });
}

/**
 * Reverse-mode differentiation: appends to the loss's graph the nodes that compute
 * d loss / d x for every x in `wrt`, and returns those gradient tensors (same order, same shapes).
 *
 * 1. Find the nodes that matter: those reachable forwards from some `wrt` tensor and backwards from
 *    the loss. Everything else (label casts, shape constants, unrelated outputs) is skipped, and so
 *    is everything reached only through a `stopGradient`.
 * 2. Walk those nodes in reverse creation order (a reverse topological order). For each, gather the
 *    gradients of its outputs, call its op's gradient rule, and hand each input its share.
 * 3. A tensor used by several nodes receives one share per use; the shares are added (one Sum node)
 *    the first time the total is needed. Shares that a rule left as matrix products (a weight used by
 *    several MatMuls, see ProductShare) become one GEMM over the stacked operands first, and shares
 *    to subtract (NegatedShare) one Sub at the end.
 *
 * `loss` is a scalar, whose own gradient is 1, unless `options.seed` gives d something / d loss
 * (then the loss may have any shape: this is the vector-Jacobian product with `seed`).
 */
export interface GradOptions {
  /** d something / d loss, for a non-scalar loss (a vector-Jacobian product). */
  seed?: Tensor;
}

export function grad(loss: Tensor, wrt: readonly Tensor[], options: GradOptions = {}): Tensor[] {
  const { seed } = options;
  if (!isFloat(loss.dtype)) throw new Error(`onnx-graph: cannot differentiate ${loss.name} of type ${loss.dtype}`);
  if (seed === undefined && loss.rank !== 0) throw new Error(`onnx-graph: loss ${loss.name} is not a scalar; pass a seed gradient`);
  const graph = loss.graph;

  const dependsOnWrt = new Set<Tensor>(wrt);
  for (const node of graph.nodes) {
    if (node.inputs.some((t) => t !== null && dependsOnWrt.has(t))) {
      for (const out of node.outputs) if (!isGradientStop(out)) dependsOnWrt.add(out);
    }
  }
  const onPath = new Set<Node>();
  const reachesLoss = new Set<Tensor>([loss]);
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const node = graph.nodes[i]!;
    if (!node.outputs.some((t) => reachesLoss.has(t) && dependsOnWrt.has(t))) continue;
    if (!node.inputs.some((t) => t !== null && dependsOnWrt.has(t))) continue;
    onPath.add(node);
    for (const t of node.inputs) if (t !== null) reachesLoss.add(t);
  }

  const shares = new Map<Tensor, Share[]>([[loss, [seed ?? scalar(graph, 1, loss.dtype)]]]);
  const total = (t: Tensor): Tensor | null => {
    const parts = shares.get(t);
    if (parts === undefined) return null;
    const products = parts.filter(isProductShare);
    const negated = parts.filter(isNegatedShare).map((p) => p.value);
    const tensors = parts.filter((p): p is Tensor => !isProductShare(p) && !isNegatedShare(p));
    if (products.length > 0) tensors.push(stackedProduct(products));
    let summed: Tensor;
    if (negated.length === 0) summed = sum(tensors);
    else if (tensors.length === 0) summed = neg(sum(negated));
    else summed = sub(sum(tensors), sum(negated));
    shares.set(t, [summed]);
    return summed;
  };
  const needsGradient = (x: Tensor | null): boolean => x !== null && dependsOnWrt.has(x) && isFloat(x.dtype);

  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const node = graph.nodes[i]!;
    if (!onPath.has(node)) continue;
    const dys = node.outputs.map(total);
    if (dys.every((d) => d === null)) continue;
    const rule = gradients.get(node.opType);
    if (rule === undefined) throw new Error(`onnx-graph: no gradient rule for ${node.opType} (output ${node.outputs[0]?.name})`);
    const needs = node.inputs.map(needsGradient);
    const dxs = rule.gradFunc(node, dys, { needs });
    node.inputs.forEach((x, k) => {
      const dx = dxs[k];
      if (x === null || dx === null || dx === undefined || !needs[k]) return;
      if (!sameShape(shareShape(dx), x.shape)) {
        throw new Error(`onnx-graph: ${node.opType} gradient for ${x.name} has shape [${shareShape(dx).join(', ')}], expected [${x.shape.join(', ')}]`);
      }
      const list = shares.get(x);
      if (list === undefined) shares.set(x, [dx]);
      else list.push(dx);
    });
  }

  return wrt.map((x) => {
    const g = total(x);
    if (g === null) throw new Error(`onnx-graph: ${loss.name} does not depend on ${x.name}`);
    return g;
  });
}
