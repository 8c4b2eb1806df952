import type { Tensor } from '../graph.js';
import { add, div, mul, pow, sqrt, sub } from '../ops/elementwise.js';

export interface AdamOptions {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

export interface AdamUpdate {
  params: Tensor[];
  m: Tensor[];
  v: Tensor[];
}

/**
 * Adam with bias correction:
 *   m <- b1 m + (1 - b1) g
 *   v <- b2 v + (1 - b2) g^2
 *   w <- w - lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + epsilon)
 * `step` is t, the 1-based number of this update, a float scalar of the parameters' type: a graph
 * input (or a loop-carried counter), so one graph serves every step.
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
  step: Tensor,
  options: AdamOptions,
): AdamUpdate {
  const { learningRate, beta1, beta2, epsilon } = options;
  if (step.rank !== 0) throw new Error(`onnx-graph: Adam step ${step.name} must be a scalar`);
  const correction1 = sub(1, pow(beta1, step));
  const root2 = sqrt(sub(1, pow(beta2, step)));
  const stepSize = div(mul(root2, learningRate), correction1);
  const stepEpsilon = mul(root2, epsilon);
  const newM = params.map((_, i) => add(mul(m[i]!, beta1), mul(grads[i]!, 1 - beta1)));
  const newV = params.map((_, i) => add(mul(v[i]!, beta2), mul(mul(grads[i]!, grads[i]!), 1 - beta2)));
  const newParams = params.map((w, i) => sub(w, mul(div(newM[i]!, add(sqrt(newV[i]!), stepEpsilon)), stepSize)));
  return { params: newParams, m: newM, v: newV };
}
