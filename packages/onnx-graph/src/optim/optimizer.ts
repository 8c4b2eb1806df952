import type { Tensor } from '../graph.js';
import { adam, type AdamOptions } from './adam.js';
import { sgdMomentum, type SgdMomentumOptions } from './sgd.js';

/**
 * An optimiser as `trainingGraph` drives it: per-parameter state tensors ("slots", each shaped like
 * its parameter and zero at the start) and, for Adam, the number of steps taken.
 */
export interface Optimizer {
  readonly name: string;
  /** Slot names, e.g. ['velocity'] or ['m', 'v']. */
  readonly slots: readonly string[];
  /**
   * One update. `slots[k][i]` is slot k of parameter i; `step` is the 1-based number of this
   * update (a float scalar of the parameters' type).
   */
  apply(params: readonly Tensor[], grads: readonly Tensor[], slots: readonly (readonly Tensor[])[], step: Tensor): { params: Tensor[]; slots: Tensor[][] };
}

export function sgdMomentumOptimizer(options: SgdMomentumOptions): Optimizer {
  return {
    name: `SGD (lr ${options.learningRate}, momentum ${options.momentum})`,
    slots: ['velocity'],
    apply(params, grads, [velocities]) {
      const update = sgdMomentum(params, grads, velocities!, options);
      return { params: update.params, slots: [update.velocities] };
    },
  };
}

export function adamOptimizer(options: AdamOptions): Optimizer {
  return {
    name: `Adam (lr ${options.learningRate}, betas ${options.beta1}/${options.beta2}, epsilon ${options.epsilon})`,
    slots: ['m', 'v'],
    apply(params, grads, [m, v], step) {
      const update = adam(params, grads, m!, v!, step, options);
      return { params: update.params, slots: [update.m, update.v] };
    },
  };
}
