/**
 * The tolerances of the parity check, derived from float32 rounding (not tuned to pass).
 *
 * Rounding model (Higham and Mary, "A new approach to probabilistic rounding error
 * analysis", SIAM J. Sci. Comput. 41(5), 2019): every float32 operation rounds with a
 * relative error of at most u = 2^-24, and the errors of many roundings behave like
 * independent random variables. A sum of n products therefore carries a relative error of
 * about sqrt(n) u (recursive summation of terms of random sign gives about 0.4 sqrt(n) u;
 * the blocked and pairwise sums of GEMM and convolution kernels less), not the worst-case n u.
 *
 * A value computed through a chain of layers inherits the relative error of its inputs
 * and adds that of its own sums (at initialisation the layers neither blow relative
 * errors up nor damp them: ReLU and max-pool pass values through, Glorot scaling keeps
 * magnitudes, the GRU's gates keep its state bounded). Variances add along the chain, so the
 * chain behaves like ONE sum whose length is the total length of its reductions, n_chain.
 * Two implementations round independently (another summation order, blocking, fused ops),
 * so their difference has a standard deviation of sqrt(2 n_chain) u; the tolerance is
 * STANDARD_DEVIATIONS of those.
 *
 * The weights and updates are judged after the first step, where this analysis holds.
 * Over more steps training amplifies differences (measured on the CNN: the loss
 * difference grows from 2e-7 at step 1 to 2e-4 by step 19), so the tensors after the last
 * step are shown but not judged. The loss of step k is judged: its weights differ by the
 * earlier steps' update differences, which add up (k - 1) update tolerances, and a relative
 * weight change moves the loss by at most that much times the relative loss change per
 * step (below 1 here), so the loss tolerance grows by one update tolerance per step.
 */
import { CNN_SPEC, MODEL_SPECS, RNN_SPEC, type ModelName } from '@rosetta/harness';
import { FLOAT32_UNIT_ROUNDOFF } from './float32.js';
import { kinkAllowance, kinkLayers, type KinkLayer } from './kinks.js';


/** How many standard deviations of rounding noise a difference may reach (Gaussian two-sided tail: 6e-5). */
export const STANDARD_DEVIATIONS = 4;

/** One reduction (a sum of `length` products) on the longest dependency chain of a value. */
export interface Reduction {
  readonly what: string;
  readonly length: number;
}

export interface ReductionChains {
  /** Everything the loss of a batch depends on: the forward pass. */
  readonly loss: readonly Reduction[];
  /** The longest chain to any parameter's update: forward, backward, the gradient's own sum. */
  readonly update: readonly Reduction[];
}

export function reductionChains(model: ModelName, batchSize: number): ReductionChains {
  if (model === 'cnn') {
    const { channels, kernelSize, blockFilters, flattenSize, denseUnits, classes, imageSize } = CNN_SPEC;
    const [f1, f2] = blockFilters;
    const k2 = kernelSize * kernelSize;
    const forward: Reduction[] = [
      { what: 'conv1 (3x3x3)', length: k2 * channels },
      { what: 'conv2 (3x3x50)', length: k2 * f1 },
      { what: 'conv3 (3x3x50)', length: k2 * f1 },
      { what: 'conv4 (3x3x100)', length: k2 * f2 },
      { what: 'dense1 (6400 inputs)', length: flattenSize },
      { what: 'dense2 (512 inputs)', length: denseUnits },
      { what: 'softmax denominator', length: classes },
    ];
    return {
      loss: [...forward, { what: 'batch mean', length: batchSize }],
      update: [
        ...forward,
        // Back from the logits to conv1, each input gradient a sum over the layer's outputs.
        { what: 'dense2 input gradient (10)', length: classes },
        { what: 'dense1 input gradient (512)', length: denseUnits },
        { what: 'conv4 input gradient (3x3x100)', length: k2 * f2 },
        { what: 'conv3 input gradient (3x3x100)', length: k2 * f2 },
        { what: 'conv2 input gradient (3x3x50)', length: k2 * f1 },
        // conv1's kernel gradient sums over every position of every image of the batch.
        { what: `conv1 kernel gradient (batch x 32 x 32)`, length: batchSize * imageSize * imageSize },
      ],
    };
  }
  const { sequenceLength: steps, embeddingSize, units, classes } = RNN_SPEC;
  const forward: Reduction[] = [
    // h_t sums x_t W (125) and h_{t-1} R (100); its error carries into every later step.
    { what: `GRU state over ${steps} steps (125 + 100 per step)`, length: steps * (embeddingSize + units) },
    { what: 'dense (100 inputs)', length: units },
    { what: 'softmax denominator', length: classes },
  ];
  return {
    loss: [...forward, { what: 'batch mean', length: batchSize }],
    update: [
      ...forward,
      { what: 'dense input gradient (2)', length: classes },
      // Back through time: dh_{t-1} sums the three gates' gradients through R (3 x 100).
      { what: `GRU state gradient over ${steps} steps (3 x 100 per step)`, length: steps * 3 * units },
      // The kernels' gradients sum over every time step of every sequence of the batch.
      { what: 'GRU kernel gradient (batch x 150)', length: batchSize * steps },
    ],
  };
}

export function chainLength(chain: readonly Reduction[]): number {
  return chain.reduce((sum, r) => sum + r.length, 0);
}

/** STANDARD_DEVIATIONS x sqrt(2 n) u: the relative difference two float32 implementations may show. */
export function roundingTolerance(chainLength: number): number {
  return STANDARD_DEVIATIONS * Math.sqrt(2 * chainLength) * FLOAT32_UNIT_ROUNDOFF;
}

/**
 * Adam's first update of a parameter is -lr phi(g), phi(g) = g / (|g| + epsilon): about
 * -lr sign(g) where |g| >> epsilon, lr g / epsilon where |g| << epsilon. Relative to its
 * own size, phi answers a relative change rho of g with (1 - |phi|) rho. The rounding
 * analysis bounds rho only over a whole tensor: a single gradient element near zero, a
 * sum whose terms cancel, can have any rho (its noise is on the scale of the terms, not of
 * the result), and then its update differs by a large fraction of lr while the model is
 * the same. Where Adam has saturated, 1 - |phi| <= t (the update tolerance), even a 100 %
 * gradient difference moves the update by at most t relative; that is where the update
 * is judged: elements that moved at least (1 - t) lr in either backend (|g| >= epsilon / t,
 * 1e-4 for t = 1e-4). The others are left out of both checks and counted; the loss and the
 * saturated elements judge the tensor (a wrong gate order or layout changes signs of large
 * gradients, which saturated elements show). This check is weaker than SGD's: it sees the
 * signs and the saturation of the large gradients, not the small ones.
 */
export interface AdamRegime {
  readonly learningRate: number;
}

export interface Tolerances {
  readonly chains: ReductionChains;
  /** Set for models trained with Adam. */
  readonly adam?: AdamRegime;
  /** Relative loss difference allowed at step k (1-based). */
  loss(step: number): number;
  /** Relative difference of the summed updates allowed after `steps` steps, before the weights' resolution. */
  update(steps: number): number;
  /** The ReLU layers whose kinks may flip (kinks.ts); empty for the GRU. */
  readonly kinks: readonly KinkLayer[];
  /** Extra relative update difference `tensor` may show from ReLU kinks after `steps` steps. */
  kink(tensor: string, steps: number): number;
}

export function tolerances(model: ModelName, batchSize: number): Tolerances {
  const chains = reductionChains(model, batchSize);
  const loss = roundingTolerance(chainLength(chains.loss));
  const update = roundingTolerance(chainLength(chains.update));
  const optimizer = MODEL_SPECS[model].optimizer;
  const kinks = kinkLayers(model, batchSize);
  return {
    chains,
    ...(optimizer.kind === 'adam' ? { adam: { learningRate: optimizer.learningRate } } : {}),
    loss: (step) => loss + (step - 1) * update,
    update: (steps) => steps * update,
    kinks,
    kink: (tensor, steps) => kinkAllowance(kinks, tensor, steps),
  };
}
