import type { Tensor } from '../graph.js';
import { adam, type AdamOptions } from './adam.js';
import { sgdMomentum, type SgdMomentumOptions } from './sgd.js';

/**
 * An optimiser as `trainingGraph` drives it: per-parameter state tensors ("slots", each shaped like
 * its parameter and zero at the start) and optimiser-wide scalars (Adam's b1^t and b2^t), each with
 * its value before the first step.
 */
export interface Optimizer {
  readonly name: string;
  /** Slot names, e.g. ['velocity'] or ['m', 'v']. */
  readonly slots: readonly string[];
  /** Scalars carried from step to step, by name, with their values before the first step. */
  readonly scalars: readonly { readonly name: string; readonly initial: number }[];
  /** One update. `slots[k][i]` is slot k of parameter i; `scalars[k]` is scalar k. */
  apply(
    params: readonly Tensor[],
    grads: readonly Tensor[],
    slots: readonly (readonly Tensor[])[],
    scalars: readonly Tensor[],
  ): { params: Tensor[]; slots: Tensor[][]; scalars: Tensor[] };
}

export function sgdMomentumOptimizer(options: SgdMomentumOptions): Optimizer {
  return {
    name: `SGD (lr ${options.learningRate}, momentum ${options.momentum})`,
    slots: ['velocity'],
    scalars: [],
    apply(params, grads, [velocities]) {
      const update = sgdMomentum(params, grads, velocities!, options);
      return { params: update.params, slots: [update.velocities], scalars: [] };
    },
  };
}

export function adamOptimizer(options: AdamOptions): Optimizer {
  return {
    name: `Adam (lr ${options.learningRate}, betas ${options.beta1}/${options.beta2}, epsilon ${options.epsilon})`,
    slots: ['m', 'v'],
    scalars: [
      { name: 'beta1Power', initial: 1 },
      { name: 'beta2Power', initial: 1 },
    ],
    apply(params, grads, [m, v], [beta1, beta2]) {
      const update = adam(params, grads, m!, v!, { beta1: beta1!, beta2: beta2! }, options);
      return { params: update.params, slots: [update.m, update.v], scalars: [update.powers.beta1, update.powers.beta2] };
    },
  };
}
