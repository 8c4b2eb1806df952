/**
 * Do the backends' test accuracies agree? The scale is binomial sampling error: a model
 * with accuracy p scored on n test samples gets a count of hits with variance n p (1 - p),
 * so two independent such scores differ with standard deviation sqrt(2 p (1 - p) / n).
 * Two runs disagree when their accuracies differ by more than Z of those.
 *
 * What this proves, and what not: the runs also differ by training noise (dropout masks,
 * float summation order) that this scale does not model, while sharing one test set makes
 * their sampling errors partly cancel. So the check is a tripwire for a broken
 * implementation (chance-level, or far off the others), not proof that two backends train
 * the same model to within a point: that is what `rosetta parity` checks, step by step.
 *
 * Repeated runs: a backend's mean accuracy over its runs is compared with the same tolerance,
 * n the test samples of one run. The runs are all scored on the one test set, so averaging
 * them removes part of the training noise but none of that set's sampling error, which is
 * what the tolerance models: k runs do not make it k times stricter.
 */

/** Standard deviations allowed: a two-sided 0.27 % false-alarm rate per pair under pure sampling noise. */
export const AGREEMENT_Z = 3;

export interface ScoredRun {
  /** The backend, with its machine when the runs come from several. */
  readonly name: string;
  /** One run's test accuracy, or the mean of a backend's repeated runs on the same test set. */
  readonly accuracy: number;
}

export interface RunVerdict {
  readonly name: string;
  readonly accuracy: number;
  /** accuracy - reference. */
  readonly delta: number;
  /** The runs this one is further than the tolerance from, by name. */
  readonly disagreesWith: readonly string[];
  /** Disagrees with more than half of the others: with two runs both are flagged, as neither can be trusted over the other. */
  readonly flagged: boolean;
}

export interface AgreementCheck {
  readonly testSamples: number;
  readonly z: number;
  /** Median accuracy of the runs: the p in the standard deviation and the row's reference. */
  readonly reference: number;
  /** sqrt(2 p (1 - p) / n) at p = reference (kept at least 1/n from 0 and 1). */
  readonly sd: number;
  /** z * sd: the largest accuracy difference accepted between two runs. */
  readonly tolerance: number;
  readonly verdicts: readonly RunVerdict[];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Compares every pair of runs scored on the same `testSamples` test samples. */
export function checkAgreement(runs: readonly ScoredRun[], testSamples: number, z: number = AGREEMENT_Z): AgreementCheck {
  if (!(testSamples > 0)) throw new RangeError(`testSamples must be positive, got ${testSamples}`);
  const reference = runs.length > 0 ? median(runs.map((run) => run.accuracy)) : Number.NaN;
  // At p = 0 or 1 the binomial sd is 0 and one differing sample would flag; a floor of one
  // sample's worth keeps the scale meaningful there.
  const p = Math.min(Math.max(reference, 1 / testSamples), 1 - 1 / testSamples);
  const sd = Math.sqrt((2 * p * (1 - p)) / testSamples);
  const tolerance = z * sd;
  const verdicts = runs.map((run) => {
    const disagreesWith = runs
      .filter((other) => other !== run && Math.abs(run.accuracy - other.accuracy) > tolerance)
      .map((other) => other.name)
      .sort();
    return {
      name: run.name,
      accuracy: run.accuracy,
      delta: run.accuracy - reference,
      disagreesWith,
      flagged: disagreesWith.length > (runs.length - 1) / 2,
    };
  });
  return { testSamples, z, reference, sd, tolerance, verdicts };
}
