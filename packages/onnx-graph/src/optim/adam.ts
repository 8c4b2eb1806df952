import type { Tensor } from '../graph.js';
import { add, div, mul, sqrt, sub } from '../ops/elementwise.js';

export interface AdamOptions {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/** b1^t and b2^t: scalars of the parameters' type, 1 before the first update. */
export interface AdamPowers {
  beta1: Tensor;
  beta2: Tensor;
}

export interface AdamUpdate {
  params: Tensor[];
  m: Tensor[];
  v: Tensor[];
  /** b1^t and b2^t after this update, for the next. */
  powers: AdamPowers;
}

/**
 * Adam with bias correction:
 *   m <- b1 m + (1 - b1) g
 *   v <- b2 v + (1 - b2) g^2
 *   w <- w - lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + epsilon)
 * where t is the 1-based number of this update. `powers` holds b1^(t-1) and b2^(t-1), carried from
 * step to step (graph inputs, or loop-carried values): this update multiplies them by b1 and b2, as
 * TF.js does, rather than computing Pow(b, t). 1 - b^t cancels the leading digits of b^t, so the
 * correction's relative error is that of b^t times 1 / (1 - b^t), 1000 for b2 = 0.999 at t = 1; a
 * product of floats is within half an ulp per step, where a GPU's Pow may be off by more (WGSL's pow
 * is exp2(t log2 b), its log2 off by up to 2^-21 absolute; on llvmpipe 1 - 0.999^1 came out 1.1e-4
 * off, against 1.3e-5 through the CPU's Pow).
 *
 * The update is computed in the algebraically equal form of Kingma and Ba (end of their section 2),
 *   w <- w - lr_t m / (sqrt(v) + epsilon_t),  lr_t = lr sqrt(1 - b2^t) / (1 - b1^t),
 *   epsilon_t = epsilon sqrt(1 - b2^t),
 * with the bias corrections folded into two scalars instead of two divisions of whole tensors
 * (TF.js divides): 12 elementwise passes per parameter instead of 14, which the GRU's 3.75 M
 * embedding weights make worth it; the results differ from TF.js's order of operations by float32
 * rounding only.
 */
export function adam(
  params: readonly Tensor[],
  grads: readonly Tensor[],
  m: readonly Tensor[],
  v: readonly Tensor[],
  powers: AdamPowers,
  options: AdamOptions,
): AdamUpdate {
  const { learningRate, beta1, beta2, epsilon } = options;
  if (powers.beta1.rank !== 0 || powers.beta2.rank !== 0) throw new Error(`onnx-graph: Adam's powers ${powers.beta1.name}, ${powers.beta2.name} must be scalars`);
  const next = { beta1: mul(powers.beta1, beta1), beta2: mul(powers.beta2, beta2) };
  const correction1 = sub(1, next.beta1);
  const root2 = sqrt(sub(1, next.beta2));
  const stepSize = div(mul(root2, learningRate), correction1);
  const stepEpsilon = mul(root2, epsilon);
  const newM = params.map((_, i) => add(mul(m[i]!, beta1), mul(grads[i]!, 1 - beta1)));
  const newV = params.map((_, i) => add(mul(v[i]!, beta2), mul(mul(grads[i]!, grads[i]!), 1 - beta2)));
  const newParams = params.map((w, i) => sub(w, mul(div(newM[i]!, add(sqrt(newV[i]!), stepEpsilon)), stepSize)));
  return { params: newParams, m: newM, v: newV, powers: next };
}
