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
 * Adam with bias correction, in the form TF.js uses (epsilon added to the square root of the
 * bias-corrected second moment):
 *   m <- b1 m + (1 - b1) g
 *   v <- b2 v + (1 - b2) g^2
 *   w <- w - lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + epsilon)
 * `step` is t, the 1-based number of this update, a float scalar of the parameters' type: a graph
 * input (or a loop-carried counter), so one graph serves every step.
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
  const correction2 = sub(1, pow(beta2, step));
  const newM = params.map((_, i) => add(mul(m[i]!, beta1), mul(grads[i]!, 1 - beta1)));
  const newV = params.map((_, i) => add(mul(v[i]!, beta2), mul(mul(grads[i]!, grads[i]!), 1 - beta2)));
  const newParams = params.map((w, i) => {
    const mHat = div(newM[i]!, correction1);
    const vHat = div(newV[i]!, correction2);
    return sub(w, mul(div(mHat, add(sqrt(vHat), epsilon)), learningRate));
  });
  return { params: newParams, m: newM, v: newV };
}
