/**
 * How far apart two backends' numbers are, in float64 so that the measure adds no rounding
 * of its own. Used by parity and by the tests that compare one training step across backends.
 */

export function norm(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]! * values[i]!;
  return Math.sqrt(sum);
}

/** ||a - b|| / ||b||; 0 when both are zero, Infinity when only b is. */
export function relativeDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`cannot compare ${a.length} values with ${b.length}`);
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference += (a[i]! - b[i]!) ** 2;
  const reference = norm(b);
  if (difference === 0) return 0;
  return reference === 0 ? Infinity : Math.sqrt(difference) / reference;
}
