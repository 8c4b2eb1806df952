/**
 * Everything the report says about the results, computed once: runs grouped by model and
 * configuration, the accuracy agreement check of each group, and the problems that make
 * `rosetta report` exit non-zero.
 */
import type { ModelName, Result } from '@rosetta/harness';
import { checkAgreement, type AgreementCheck } from './agreement.js';
import { groupByConfig, type RunGroup } from './run-config.js';
import { integer, percent, points } from './format.js';

export const MODELS: readonly { model: ModelName; title: string }[] = [
  { model: 'cnn', title: 'CNN: VGG-style on CIFAR-10' },
  { model: 'rnn', title: 'RNN: GRU on IMDB' },
];

export interface GroupAnalysis extends RunGroup {
  /** Null when fewer than two runs of this configuration finished: nothing to compare. */
  readonly check: AgreementCheck | null;
  /** Shortest training time among the `ok` runs, the base of "time vs fastest". */
  readonly fastestSeconds: number | null;
}

export interface ModelAnalysis {
  readonly model: ModelName;
  readonly title: string;
  readonly groups: readonly GroupAnalysis[];
  /** Backends that could not load here; listed with their reason, compared with nothing. */
  readonly unavailable: readonly Result[];
}

export interface Analysis {
  readonly models: readonly ModelAnalysis[];
  /** Runs that failed after a kept ok result of the same backend, model and machine. */
  readonly latestFailures?: readonly Result[];
  /** One line per flagged backend, naming it; non-empty means `report` exits non-zero. */
  readonly disagreements: readonly string[];
}

const byFramework = (a: Result, b: Result) => a.framework.localeCompare(b.framework);

/** Rows read as a ranking: finished runs by training time, then failed ones. */
const fastestFirst = (a: Result, b: Result) => (a.trainSeconds ?? Infinity) - (b.trainSeconds ?? Infinity) || byFramework(a, b);

export function analyse(results: readonly Result[], latestFailures: readonly Result[] = []): Analysis {
  const disagreements: string[] = [];
  const models = MODELS.map(({ model, title }) => {
    const mine = results.filter((result) => result.model === model).sort(byFramework);
    const groups = groupByConfig(mine).map((ranked): GroupAnalysis => {
      const group = { ...ranked, runs: [...ranked.runs].sort(fastestFirst) };
      const scored = group.runs.flatMap((run) => (run.status === 'ok' && run.testAccuracy !== null ? [{ framework: run.framework, accuracy: run.testAccuracy }] : []));
      const check = scored.length >= 2 ? checkAgreement(scored, group.config.testSamples) : null;
      for (const verdict of check?.verdicts ?? []) {
        if (!verdict.flagged) continue;
        disagreements.push(
          `${model}: ${verdict.framework} test accuracy ${percent(verdict.accuracy)} disagrees with ${verdict.disagreesWith.join(', ')} ` +
            `(${points(verdict.delta)} from the median ${percent(check!.reference)}; tolerance ±${points(check!.tolerance).slice(1)} on ${integer(group.config.testSamples)} test samples)`,
        );
      }
      const times = group.runs.flatMap((run) => (run.status === 'ok' && run.trainSeconds !== null ? [run.trainSeconds] : []));
      return { ...group, check, fastestSeconds: times.length > 0 ? Math.min(...times) : null };
    });
    return { model, title, groups, unavailable: mine.filter((result) => result.status === 'unavailable') };
  });
  return { models, disagreements, latestFailures };
}
