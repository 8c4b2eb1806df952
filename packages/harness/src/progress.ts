/**
 * What a person watching a run sees. A full run is minutes on a GPU but hours on two CPU
 * cores, so the plan and an estimate come before the wait, not after it: first from a
 * previous result of the same run if one exists, then from the first timed steps.
 */
import { median } from './timing.js';

/** Where the runner's messages go; the CLI prints `info` to stdout and `status` to stderr. */
export interface Log {
  /** A line that stays (the plan, one line per epoch, the result). */
  info(line: string): void;
  /** The live step/ETA line; a terminal overwrites it in place. */
  status(line: string): void;
}

export const silentLog: Log = { info: () => {}, status: () => {} };

const group = new Intl.NumberFormat('en-US');

export function formatCount(value: number): string {
  return group.format(value);
}

/** "850 ms", "12.3 s", "4 min 10 s", "2 h 23 min": precise enough to plan around. */
export function formatDuration(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h ${minutes - hours * 60} min`;
}

export function formatStepTime(milliseconds: number): string {
  return milliseconds < 1000 ? `${Math.round(milliseconds)} ms/step` : `${(milliseconds / 1000).toFixed(1)} s/step`;
}

/** What `rosetta train` prints after each epoch; the notebooks print it too. */
export interface EpochSummary {
  readonly epoch: number;
  readonly epochs: number;
  readonly seconds: number;
  readonly meanLoss: number;
  readonly msPerStepMedian: number;
  readonly samples: number;
}

/** "epoch 2/10: 41.2 s, mean loss 1.2345, 301 ms/step (median), 1,019 samples/s". */
export function epochLine({ epoch, epochs, seconds, meanLoss, msPerStepMedian, samples }: EpochSummary): string {
  return (
    `epoch ${epoch}/${epochs}: ${formatDuration(seconds)}, mean loss ${meanLoss.toFixed(4)}, ` +
    `${formatStepTime(msPerStepMedian)} (median), ${formatCount(Math.round(samples / seconds))} samples/s`
  );
}

/** "test accuracy 71.23 % on 1,017 samples (1.2 s)". */
export function accuracyLine(accuracy: number, samples: number, seconds: number): string {
  return `test accuracy ${(accuracy * 100).toFixed(2)} % on ${formatCount(samples)} samples (${formatDuration(seconds)})`;
}

/** "~1.1 s/step, estimated 2 h 23 min for 7,810 steps". */
export function estimateLine(msPerStep: number, steps: number): string {
  return `~${formatStepTime(msPerStep)}, estimated ${formatDuration((msPerStep * steps) / 1000)} for ${formatCount(steps)} steps`;
}

export interface TrainingProgressOptions {
  readonly epochs: number;
  readonly stepsPerEpoch: number;
  readonly log: Log;
  /** Appended to a long estimate, e.g. "try --preset quick"; the CLI knows its presets. */
  readonly hint?: string;
  /** Estimates longer than this get the hint. */
  readonly hintAfterSeconds?: number;
  /** The first estimate comes after this many timed steps. */
  readonly estimateAfterSteps?: number;
  /** Minimum time between two live lines. */
  readonly statusIntervalMs?: number;
  readonly now?: () => number;
}

export class TrainingProgress {
  private readonly totalSteps: number;
  private readonly now: () => number;
  private lastStatus = Number.NEGATIVE_INFINITY;
  private estimated = false;

  constructor(private readonly options: TrainingProgressOptions) {
    this.totalSteps = options.epochs * options.stepsPerEpoch;
    this.now = options.now ?? (() => performance.now());
  }

  /** An estimate before training starts, from a previous run's median step time. */
  previousRun(msPerStep: number, where: string): void {
    this.options.log.info(`previous result ${where}: ${this.withHint(msPerStep, estimateLine(msPerStep, this.totalSteps))}`);
  }

  /** After every report: `stepMilliseconds` holds every step so far, in order. */
  steps(epoch: number, stepMilliseconds: readonly number[]): void {
    const done = stepMilliseconds.length;
    const estimateAfter = this.options.estimateAfterSteps ?? 5;
    if (!this.estimated && done >= Math.min(estimateAfter, this.totalSteps)) {
      this.estimated = true;
      const perStep = median(stepMilliseconds);
      this.options.log.info(`after ${done} steps: ${this.withHint(perStep, estimateLine(perStep, this.totalSteps))}`);
    }
    const now = this.now();
    if (now - this.lastStatus < (this.options.statusIntervalMs ?? 1000)) return;
    this.lastStatus = now;
    const perStep = median(stepMilliseconds);
    const inEpoch = done - (epoch - 1) * this.options.stepsPerEpoch;
    const left = formatDuration((perStep * (this.totalSteps - done)) / 1000);
    this.options.log.status(
      `epoch ${epoch}/${this.options.epochs} step ${formatCount(inEpoch)}/${formatCount(this.options.stepsPerEpoch)}` +
        ` ${formatStepTime(perStep)}, about ${left} left`,
    );
  }

  private withHint(msPerStep: number, line: string): string {
    const seconds = (msPerStep * this.totalSteps) / 1000;
    const hint = this.options.hint;
    return hint && seconds > (this.options.hintAfterSeconds ?? 600) ? `${line}; ${hint}` : line;
  }
}
