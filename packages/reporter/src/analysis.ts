/**
 * Everything the report says about the results, computed once: each backend's runs on each
 * machine summarised (a score with its spread where it ran several times), grouped by model
 * and run configuration, the accuracy agreement check of each configuration across every
 * machine, and the problems that make `rosetta report` exit non-zero.
 */
import type { ModelName, Result, RunSet } from '@rosetta/harness';
import { checkAgreement, type AgreementCheck } from './agreement.js';
import { integer, percent, points } from './format.js';
import { groupByConfig, type RunConfig } from './run-config.js';
import { meanAndSd, score, type Score, type Spread } from './stats.js';

export const MODELS: readonly { model: ModelName; title: string }[] = [
  { model: 'cnn', title: 'CNN: VGG-style on CIFAR-10' },
  { model: 'rnn', title: 'RNN: GRU on IMDB' },
];

/** What the analysis needs of a run set (harness RunSet): its runs, and a later failure. */
export type RunSetInput = Pick<RunSet, 'label' | 'framework' | 'model' | 'runs' | 'latestFailure'>;

export interface InferenceSummary {
  readonly batchSize: number;
  readonly samplesPerSecond: Score;
  readonly latencyMs: Score;
  /** Single samples timed per run. */
  readonly latencySamples: number;
}

/** One backend on one machine: its runs of one invocation, summarised. */
export interface BackendRuns {
  readonly label: string;
  readonly framework: string;
  readonly model: ModelName;
  /** How the check and the charts name it: the framework, with the machine when there are several. */
  readonly name: string;
  readonly status: Result['status'];
  /** The ok runs of the kept invocation (one per repeat), or the one run that is not ok. */
  readonly runs: readonly Result[];
  /** A run newer than the kept ok runs that failed or could not run. */
  readonly latestFailure: Result | null;
  /** Null unless ok. */
  readonly trainSeconds: Score | null;
  readonly firstEpochSeconds: Score | null;
  readonly steadyEpochSeconds: Score | null;
  readonly msPerStep: Score | null;
  readonly samplesPerSecond: Score | null;
  readonly accuracy: Spread | null;
  /** Null when not ok, or when some run has no inference timings (recorded before the runner took them). */
  readonly inference: InferenceSummary | null;
  /** Mean training loss per epoch, averaged over the runs. */
  readonly epochLoss: readonly number[];
  /**
   * Ran on a software WebGPU adapter (llvmpipe): its results check correctness, and its times
   * are a CPU emulating a GPU, never set beside a hardware backend's.
   */
  readonly softwareAdapter: boolean;
}

/** One machine's rows of one configuration. */
export interface MachineRows {
  readonly label: string;
  /** Finished runs by training time, then failed ones; then, under the main configuration, unavailable ones. */
  readonly rows: readonly BackendRuns[];
  /** Shortest training-time score among the ok rows: the base of "time vs fastest". */
  readonly fastestSeconds: number | null;
}

export interface GroupAnalysis {
  readonly config: RunConfig;
  /** Every backend on every machine that ran this configuration (ok or failed). */
  readonly runs: readonly BackendRuns[];
  readonly machines: readonly MachineRows[];
  /** Across every machine; null when fewer than two backends finished: nothing to compare. */
  readonly check: AgreementCheck | null;
}

export interface ModelAnalysis {
  readonly model: ModelName;
  readonly title: string;
  /** The main configuration first (run-config.ts groupByConfig). */
  readonly groups: readonly GroupAnalysis[];
  /** Backends that could not load on a machine; listed with their reason, compared with nothing. */
  readonly unavailable: readonly BackendRuns[];
  /** Every machine with a result of this model, in name order: the overview's columns. */
  readonly labels: readonly string[];
}

export interface Analysis {
  readonly models: readonly ModelAnalysis[];
  /** One line per flagged backend, naming it; non-empty means `report` exits non-zero. */
  readonly disagreements: readonly string[];
}

function scoreOf(runs: readonly Result[], value: (run: Result) => number | null | undefined): Score | null {
  const values = runs.map(value);
  return values.every((v): v is number => typeof v === 'number') ? score(values) : null;
}

function inferenceOf(runs: readonly Result[]): InferenceSummary | null {
  const records = runs.map((run) => run.inference);
  if (!records.every((r) => r !== null)) return null;
  return {
    batchSize: records[0]!.batchSize,
    samplesPerSecond: score(records.map((r) => r.samplesPerSecond)),
    latencyMs: score(records.map((r) => r.latencyMsMedian)),
    latencySamples: records[0]!.latencySamples,
  };
}

function meanLoss(runs: readonly Result[]): number[] {
  const epochs = Math.min(...runs.map((run) => run.epochLoss.length));
  return Array.from({ length: epochs }, (_, i) => runs.reduce((sum, run) => sum + run.epochLoss[i]!, 0) / runs.length);
}

export function summarise(set: RunSetInput, withLabel: boolean): BackendRuns {
  const { label, framework, model, runs, latestFailure } = set;
  const status = runs[0]!.status;
  const ok = status === 'ok' ? runs : [];
  const of = (value: (run: Result) => number | null | undefined) => (ok.length > 0 ? scoreOf(ok, value) : null);
  return {
    label,
    framework,
    model,
    name: withLabel ? `${framework} on ${label}` : framework,
    status,
    runs,
    latestFailure,
    trainSeconds: of((run) => run.trainSeconds),
    firstEpochSeconds: of((run) => run.epochSeconds[0]),
    steadyEpochSeconds: of((run) => run.steadyEpochSeconds),
    msPerStep: of((run) => run.msPerStepMedian),
    samplesPerSecond: of((run) => run.samplesPerSecond),
    accuracy: ok.length > 0 && ok.every((run) => run.testAccuracy !== null) ? meanAndSd(ok.map((run) => run.testAccuracy!)) : null,
    inference: ok.length > 0 ? inferenceOf(ok) : null,
    epochLoss: ok.length > 0 ? meanLoss(ok) : [],
    softwareAdapter: runs.some((run) => run.env.adapter?.software === true),
  };
}

const byFramework = (a: BackendRuns, b: BackendRuns) => a.framework.localeCompare(b.framework);

/** Rows read as a ranking: finished runs by training time, then failed ones. */
const fastestFirst = (a: BackendRuns, b: BackendRuns) => (a.trainSeconds?.score ?? Infinity) - (b.trainSeconds?.score ?? Infinity) || byFramework(a, b);

function machineRows(label: string, rows: readonly BackendRuns[]): MachineRows {
  const ranked = [...rows].sort(fastestFirst);
  const times = ranked.flatMap((row) => (row.trainSeconds ? [row.trainSeconds.score] : []));
  return { label, rows: ranked, fastestSeconds: times.length > 0 ? Math.min(...times) : null };
}

function analyseGroup(model: ModelName, config: RunConfig, members: readonly BackendRuns[], unavailable: readonly BackendRuns[], disagreements: string[]): GroupAnalysis {
  const labels = [...new Set([...members, ...unavailable].map((run) => run.label))].sort();
  const machines = labels.map((label) => machineRows(label, [...members, ...unavailable].filter((run) => run.label === label)));
  // Several runs of a backend are compared through their mean accuracy, with the tolerance of
  // one run: the runs share the one test set, so averaging them removes training noise but
  // none of the test set's sampling error (agreement.ts). n stays the test samples.
  const scored = members.flatMap((run) => (run.accuracy ? [{ name: run.name, accuracy: run.accuracy.mean }] : []));
  const check = scored.length >= 2 ? checkAgreement(scored, config.testSamples) : null;
  for (const verdict of check?.verdicts ?? []) {
    if (!verdict.flagged) continue;
    const runs = members.find((run) => run.name === verdict.name)!.accuracy!.n;
    disagreements.push(
      `${model}: ${verdict.name} test accuracy ${percent(verdict.accuracy)}${runs > 1 ? ` (mean of ${runs} runs)` : ''} disagrees with ${verdict.disagreesWith.join(', ')} ` +
        `(${points(verdict.delta)} from the median ${percent(check!.reference)}; tolerance ±${points(check!.tolerance).slice(1)} on ${integer(config.testSamples)} test samples)`,
    );
  }
  return { config, runs: members, machines, check };
}

export function analyse(sets: readonly RunSetInput[]): Analysis {
  const disagreements: string[] = [];
  const models = MODELS.map(({ model, title }): ModelAnalysis => {
    const mine = sets.filter((set) => set.model === model);
    const labels = [...new Set(mine.map((set) => set.label))].sort();
    const all = mine.map((set) => summarise(set, labels.length > 1)).sort((a, b) => byFramework(a, b) || a.label.localeCompare(b.label));
    const unavailable = all.filter((run) => run.status === 'unavailable');
    // Unavailable backends ran no configuration; they are listed once, under the main one.
    const groups = groupByConfig(all).map(({ config, members }, index) => analyseGroup(model, config, members, index === 0 ? unavailable : [], disagreements));
    return { model, title, groups, unavailable, labels };
  });
  return { models, disagreements };
}
