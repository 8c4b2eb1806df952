/**
 * The timing arithmetic of SPEC.md ("What the training time includes"), kept apart from
 * the runner so that it can be tested on numbers instead of on real training.
 */

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Records step durations as an adapter reports them. An adapter that runs k steps in one
 * device call (an ONNX Loop over a chunk) can only tell when the chunk ended, so the
 * chunk's time is spread evenly over its k steps: k equal entries, which keeps the median
 * a per-step figure whatever the chunk size.
 */
export class StepClock {
  readonly stepMilliseconds: number[] = [];
  private last: number;

  constructor(private readonly now: () => number = () => performance.now()) {
    this.last = now();
  }

  /** Starts a new interval (an epoch start) without recording a step. */
  restart(): void {
    this.last = this.now();
  }

  /** Records `steps` steps that finished now; returns the per-step milliseconds. */
  lap(steps: number): number {
    if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`a report must cover at least one step (got ${steps})`);
    const now = this.now();
    const perStep = (now - this.last) / steps;
    this.last = now;
    for (let i = 0; i < steps; i++) this.stepMilliseconds.push(perStep);
    return perStep;
  }
}

export interface TrainingTimes {
  /** The whole training inside one timer. */
  readonly trainSeconds: number;
  readonly epochSeconds: readonly number[];
  /** Every step of every epoch; a chunk of k steps contributes k equal entries. */
  readonly stepMilliseconds: readonly number[];
  /** Samples trained on per epoch (full batches only). */
  readonly samplesPerEpoch: number;
}

export interface TimingSummary {
  readonly trainSeconds: number;
  readonly epochSeconds: readonly number[];
  /**
   * Median of epochs 2..n: the first epoch carries warm-up, autotuning and compilation
   * (SPEC.md), so it is kept apart. With one epoch there is no steady state to separate,
   * and the first epoch is all there is.
   */
  readonly steadyEpochSeconds: number;
  /** Median over every step: robust to the few slow warm-up steps. */
  readonly msPerStepMedian: number;
  /** Every sample of every epoch over the whole training time. */
  readonly samplesPerSecond: number;
}

export function summarizeTimes(times: TrainingTimes): TimingSummary {
  const { trainSeconds, epochSeconds, stepMilliseconds, samplesPerEpoch } = times;
  if (epochSeconds.length === 0) throw new RangeError('no completed epoch to summarise');
  const steady = epochSeconds.length > 1 ? epochSeconds.slice(1) : epochSeconds;
  return {
    trainSeconds,
    epochSeconds,
    steadyEpochSeconds: median(steady),
    msPerStepMedian: median(stepMilliseconds),
    samplesPerSecond: (samplesPerEpoch * epochSeconds.length) / trainSeconds,
  };
}
