/**
 * How far two float32 implementations of the same sums of products may differ.
 *
 * A float32 sum of K products, in any order, differs from the exact value by at most
 * gamma_K * S, where S is the sum of the absolute values of the products and
 * gamma_K = K u / (1 - K u), u = 2^-24 (Higham, Accuracy and Stability of Numerical
 * Algorithms, 2nd ed., eq. 3.5; fused multiply-adds only make it smaller). Two
 * implementations therefore agree within 2 gamma_K S, element by element. The bound is
 * derived, not tuned: K and S come from the operation and its inputs.
 */
import { expect } from 'vitest';

const UNIT_ROUNDOFF = 2 ** -24;

export function gamma(k: number): number {
  const ku = k * UNIT_ROUNDOFF;
  if (ku >= 1) throw new Error(`gamma_${k} is undefined in float32`);
  return ku / (1 - ku);
}

export interface Agreement {
  readonly maxAbsError: number;
  /** Largest error / bound over the elements (must be <= 1). */
  readonly worstRatio: number;
}

/**
 * Asserts |actual - reference| <= 2 gamma_K absSums elementwise and returns the observed
 * maximum error. `absSums` holds S for every output element (float64).
 */
export function expectWithinSumBound(
  actual: ArrayLike<number>,
  reference: ArrayLike<number>,
  absSums: ArrayLike<number>,
  k: number,
  what: string,
): Agreement {
  expect(actual.length, `${what}: element count`).toBe(reference.length);
  const factor = 2 * gamma(k);
  let maxAbsError = 0;
  let worstRatio = 0;
  let worstIndex = -1;
  for (let i = 0; i < reference.length; i++) {
    const error = Math.abs(actual[i]! - reference[i]!);
    const bound = factor * absSums[i]!;
    // NaN and errors where the bound is 0 count as infinitely far off.
    const ratio = error === 0 ? 0 : error <= bound ? error / bound : Infinity;
    if (ratio > worstRatio || worstIndex < 0) {
      worstRatio = ratio;
      worstIndex = i;
    }
    if (error > maxAbsError) maxAbsError = error;
  }
  const detail =
    `${what}: max |wasm - cpu| = ${maxAbsError.toExponential(2)}, worst error / bound = ` +
    `${worstRatio.toExponential(2)} at element ${worstIndex} ` +
    `(bound 2 gamma_${k} S = ${factor.toExponential(2)} S)`;
  console.info(detail); // the observed error, for the record
  expect(worstRatio, detail).toBeLessThanOrEqual(1);
  return { maxAbsError, worstRatio };
}

/**
 * Asserts that a kernel that only moves values (slices, gathers, routing) produced exactly
 * the reference's bits, reporting the first difference: vitest's own diff of two large
 * typed arrays takes minutes.
 */
export function expectIdentical(actual: ArrayLike<number>, reference: ArrayLike<number>, what: string): void {
  expect(actual.length, `${what}: element count`).toBe(reference.length);
  for (let i = 0; i < reference.length; i++) {
    if (!Object.is(actual[i], reference[i])) {
      expect.fail(`${what}: element ${i} is ${actual[i]}, the reference has ${reference[i]}`);
    }
  }
}
