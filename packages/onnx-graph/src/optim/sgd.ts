import type { Tensor } from '../graph.js';
import { add, mul, sub } from '../ops/elementwise.js';

export interface SgdMomentumOptions {
  learningRate: number;
  momentum: number;
}

export interface SgdMomentumUpdate {
  params: Tensor[];
  velocities: Tensor[];
}

/**
 * SGD with momentum in the form SPEC.md fixes (no "unit gain", no dampening, no Nesterov):
 *   v <- momentum v + g
 *   w <- w - lr v
 * Parameters and velocities come in as graph inputs (or loop-carried values) and the updated
 * ones go out as outputs, so the caller keeps the state between steps.
 */
export function sgdMomentum(
  params: readonly Tensor[],
  grads: readonly Tensor[],
  velocities: readonly Tensor[],
  options: SgdMomentumOptions,
): SgdMomentumUpdate {
  const newVelocities = params.map((_, i) => add(mul(velocities[i]!, options.momentum), grads[i]!));
  const newParams = params.map((w, i) => sub(w, mul(newVelocities[i]!, options.learningRate)));
  return { params: newParams, velocities: newVelocities };
}
