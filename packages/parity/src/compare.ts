/**
 * The comparison of two backends' runs: losses step by step, and per parameter tensor the
 * weights after the last step and the update (w_after - w_before) the steps made. All norms
 * are taken in float64, so the comparison adds no rounding of its own.
 */
import { norm, relativeDifference, type Tensor, type Weights } from '@rosetta/harness';
import { float32Spacing } from './float32.js';
import type { Tolerances } from './tolerance.js';

export { norm, relativeDifference };

/** w_after - w_before, in float64. */
export function update(before: Tensor, after: Tensor): Float64Array {
  const delta = new Float64Array(after.data.length);
  for (let i = 0; i < delta.length; i++) delta[i] = after.data[i]! - before.data[i]!;
  return delta;
}

export interface LossComparison {
  readonly step: number;
  readonly a: number;
  readonly b: number;
  readonly absolute: number;
  /** |a - b| / |b|. */
  readonly relative: number;
  readonly tolerance: number;
  readonly passed: boolean;
}

export interface TensorComparison {
  readonly name: string;
  readonly size: number;
  /** ||a - b|| / ||b|| of the weights after the last step. */
  readonly weights: number;
  readonly weightsTolerance: number;
  /** ||Δa - Δb|| / ||Δb||, or null when b's update is below the weights' float32 resolution. */
  readonly update: number | null;
  readonly updateTolerance: number | null;
  /** ||float32 spacing of b's weights|| / ||Δb||: how finely the weights can show the update. */
  readonly resolution: number;
  /** The part of the update tolerance allowed for ReLU kinks (kinks.ts). */
  readonly kink: number;
  /** Elements left out of both checks: Adam has not saturated there (tolerance.ts AdamRegime). */
  readonly adamUnsaturated: number;
  readonly passed: boolean;
}

export interface PairComparison {
  /** Framework names; b is the reference of every relative difference. */
  readonly a: string;
  readonly b: string;
  readonly losses: readonly LossComparison[];
  /** After the first step: judged. */
  readonly tensors: readonly TensorComparison[];
  /**
   * After the last step, when there are several: shown, not judged. Differences are
   * amplified by training itself (measured on the CNN: 2e-7 in the loss at step 1, 2e-4
   * by step 19), faster than the linear accumulation a derivation could state; the losses
   * of every step are still judged.
   */
  readonly finalTensors: readonly TensorComparison[] | null;
  readonly passed: boolean;
}

export interface RunOutcome {
  readonly framework: string;
  /** One loss per step. */
  readonly losses: readonly number[];
  /** Canonical weights after the first step. */
  readonly firstStep: Weights;
  /** Canonical weights after the last step. */
  readonly weights: Weights;
}

export function compareLosses(a: readonly number[], b: readonly number[], tolerances: Tolerances): LossComparison[] {
  if (a.length !== b.length) throw new Error(`cannot compare ${a.length} losses with ${b.length}`);
  return a.map((la, i) => {
    const lb = b[i]!;
    const absolute = Math.abs(la - lb);
    const relative = absolute === 0 ? 0 : absolute / Math.abs(lb);
    const tolerance = tolerances.loss(i + 1);
    // NaN compares false: a NaN loss never passes.
    return { step: i + 1, a: la, b: lb, absolute, relative, tolerance, passed: relative <= tolerance };
  });
}

/**
 * One tensor after `steps` steps from `before`.
 *
 * The update's tolerance: the implementations' exact updates may differ by e, with
 * ||e|| <= t ||Δb|| (t from the rounding analysis, tolerance.ts); each then rounds its new
 * weights to float32, whose spacing q is much coarser than e for small updates. Two values
 * a difference e apart round to a grid of spacing q at a difference d with E[d^2] <= e^2 + q|e|
 * (each lands on the grid point below or above, with probabilities set by its offset);
 * summed over the tensor, ||d||^2 <= ||e||^2 + ||q|| ||e|| (Cauchy-Schwarz). Relative to
 * ||Δb||: sqrt(t^2 + t r), with r = ||q|| / ||Δb|| the tensor's `resolution`. When r >= 1
 * the update is below what float32 weights can show (a parameter whose gradient is
 * nearly zero), its relative difference measures rounding, not the model, and it is
 * reported as n/a: the weights comparison still judges the tensor.
 *
 * ReLU kinks add their allowance k (kinks.ts) to the update's tolerance: sqrt(t^2 + t r) + k.
 *
 * The weights' tolerance follows from a - b = Δa - Δb (same start): the update's
 * difference (t + k) ||Δb|| plus at most one float32 spacing per element, relative to ||b||.
 */
export function compareTensor(
  name: string,
  before: Tensor,
  a: Tensor,
  b: Tensor,
  steps: number,
  tolerances: Tolerances,
): TensorComparison {
  for (const [which, t] of [['a', a], ['b', b]] as const) {
    if (t.data.length !== before.data.length) {
      throw new Error(`"${name}": ${which} has ${t.data.length} values, the initial weights ${before.data.length}`);
    }
  }
  // Where Adam has not saturated, the update is left out of both checks (tolerance.ts AdamRegime).
  let w0: ArrayLike<number> = before.data;
  let wa: ArrayLike<number> = a.data;
  let wb: ArrayLike<number> = b.data;
  let adamUnsaturated = 0;
  if (tolerances.adam) {
    // Saturated: moved at least (1 - t) lr (whatever the steps: after several, Adam's
    // signs vary and the total need not grow).
    const threshold = (1 - tolerances.update(1)) * tolerances.adam.learningRate;
    // Judged when either backend saturated: a backend that moves a full step where the
    // other does not (or not at all) is caught, whichever of the two it is.
    const kept = (_: number, i: number) =>
      Math.max(Math.abs(a.data[i]! - before.data[i]!), Math.abs(b.data[i]! - before.data[i]!)) >= threshold;
    w0 = before.data.filter(kept);
    wa = a.data.filter(kept);
    wb = b.data.filter(kept);
    adamUnsaturated = b.data.length - wb.length;
  }
  const deltaA = update({ shape: [wa.length], data: Float32Array.from(w0) }, { shape: [wa.length], data: Float32Array.from(wa) });
  const deltaB = update({ shape: [wb.length], data: Float32Array.from(w0) }, { shape: [wb.length], data: Float32Array.from(wb) });
  const spacing = Float64Array.from({ length: wb.length }, (_, i) => float32Spacing(wb[i]!));
  const deltaNorm = norm(deltaB);
  const spacingNorm = norm(spacing);
  const resolution = deltaNorm === 0 ? Infinity : spacingNorm / deltaNorm;
  const t = tolerances.update(steps);
  const kink = tolerances.kink(name, steps);

  const weights = relativeDifference(wa, wb);
  const weightsNorm = norm(wb);
  const weightsTolerance = weightsNorm === 0 ? 0 : ((t + kink) * deltaNorm + spacingNorm) / weightsNorm;
  const weightsPassed = weights <= weightsTolerance;
  const base = { name, size: b.data.length, weights, weightsTolerance, resolution, kink, adamUnsaturated };

  if (resolution >= 1) return { ...base, update: null, updateTolerance: null, passed: weightsPassed };
  const updateDifference = relativeDifference(deltaA, deltaB);
  const updateTolerance = Math.sqrt(t * t + t * resolution) + kink;
  return { ...base, update: updateDifference, updateTolerance, passed: weightsPassed && updateDifference <= updateTolerance };
}

function compareAll(initial: Weights, a: Weights, b: Weights, names: readonly [string, string], steps: number, tolerances: Tolerances): TensorComparison[] {
  return [...initial].map(([name, before]) => {
    const ta = a.get(name);
    const tb = b.get(name);
    if (!ta || !tb) throw new Error(`"${name}" is missing from the weights of ${!ta ? names[0] : names[1]}`);
    return compareTensor(name, before, ta, tb, steps, tolerances);
  });
}

export function comparePair(initial: Weights, a: RunOutcome, b: RunOutcome, tolerances: Tolerances): PairComparison {
  const losses = compareLosses(a.losses, b.losses, tolerances);
  const names = [a.framework, b.framework] as const;
  const tensors = compareAll(initial, a.firstStep, b.firstStep, names, 1, tolerances);
  const steps = a.losses.length;
  return {
    a: a.framework,
    b: b.framework,
    losses,
    tensors,
    finalTensors: steps > 1 ? compareAll(initial, a.weights, b.weights, names, steps, tolerances) : null,
    passed: losses.every((l) => l.passed) && tensors.every((t) => t.passed),
  };
}
