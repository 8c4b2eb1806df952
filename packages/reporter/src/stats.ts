/**
 * Several runs of one backend on one machine (`rosetta train --repeat N`) become one number
 * per column, with the spread beside it, so that a table never reports a single lucky run.
 */

/** A time (or rate) over a backend's runs: the score, and the spread of the runs. */
export interface Score {
  readonly n: number;
  /** MLPerf Training's rule, see SCORE_RULE. */
  readonly score: number;
  readonly min: number;
  readonly max: number;
}

/**
 * How MLPerf Training turns a benchmark's N runs into one result: drop the fastest and the
 * slowest run and take the arithmetic mean of the rest (an "olympic" mean: one outlier on
 * either side does not move it). Its rules fix N per benchmark (5 for image classification);
 * here N is whatever `--repeat` asked for, so with fewer than 3 runs nothing can be dropped
 * and the score is the plain mean (of 2), or the one run.
 */
export const SCORE_RULE =
  'the score of a backend on a machine is MLPerf Training’s rule: of its N runs, drop the fastest and the slowest and ' +
  'take the arithmetic mean of the rest (3 runs: the middle one); with 2 runs the mean of both, with 1 that run';

export function score(values: readonly number[]): Score {
  if (values.length === 0) throw new RangeError('score of no runs');
  const sorted = [...values].sort((a, b) => a - b);
  const kept = sorted.length >= 3 ? sorted.slice(1, -1) : sorted;
  return { n: sorted.length, score: kept.reduce((sum, v) => sum + v, 0) / kept.length, min: sorted[0]!, max: sorted.at(-1)! };
}

/** Accuracy over a backend's runs: the mean and the sample standard deviation (0 for one run). */
export interface Spread {
  readonly n: number;
  readonly mean: number;
  readonly sd: number;
}

export function meanAndSd(values: readonly number[]): Spread {
  if (values.length === 0) throw new RangeError('mean of no runs');
  const n = values.length;
  const mean = values.reduce((sum, v) => sum + v, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { n, mean, sd };
}
