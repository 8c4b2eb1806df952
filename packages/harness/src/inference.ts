/**
 * Inference timing, done by the runner after evaluation and outside the training timer
 * (SPEC.md times training only; this is an extra, recorded in `result.inference`).
 *
 * What is timed is one `predict` call, as a user calling it sees it: the host-to-device copy
 * of the batch, the forward pass in inference mode (dropout off) and the read-back of the
 * logits into a Float32Array. Batch assembly by the iterator happens between the calls and
 * is not timed. Two figures:
 *
 * - throughput at the training batch size: after WARMUP_BATCHES untimed calls, the samples
 *   of THROUGHPUT_BATCHES calls divided by the sum of their times. The test batches are
 *   used in order, from the start again if there are fewer, so that every run times the
 *   same amount of work whatever its test limit;
 * - latency at batch 1: the median time of one sample alone over LATENCY_SAMPLES calls, after
 *   WARMUP_SAMPLES untimed ones (a backend with static shapes builds its batch-1 graph during
 *   the warm-up), the first test samples in order.
 */
import { batches, type Batch, type Split } from '@rosetta/data';
import type { InputFormat, TrainableModel } from './framework.js';
import { formatCount } from './progress.js';
import type { InferenceRecord } from './results.js';
import { median } from './timing.js';

export const INFERENCE_TIMING = {
  warmupBatches: 3,
  throughputBatches: 32,
  warmupSamples: 10,
  latencySamples: 100,
} as const;

export interface InferenceOptions {
  readonly split: Split;
  readonly input: InputFormat;
  /** The training batch size: the throughput is measured at it. */
  readonly batchSize: number;
  readonly classes: number;
  readonly seed: number;
  /** Use only the first N test samples, as evaluation does. */
  readonly limit?: number;
  /** The clock, in milliseconds (tests pass their own). */
  readonly now?: () => number;
}

/** `count` batches of the split in order, starting over at its end. */
function* cycle(options: InferenceOptions, batchSize: number, count: number): Generator<Batch> {
  const { split, input, seed, limit } = options;
  let yielded = 0;
  while (yielded < count) {
    const before = yielded;
    for (const batch of batches(split, { batchSize, seed, epoch: 0, shuffle: false, layout: input.layout, labels: input.labels, limit })) {
      yield batch;
      if (++yielded === count) return;
    }
    if (yielded === before) throw new Error(`inference timing: the test split has no full batch of ${batchSize}`);
  }
}

/** Milliseconds of each timed `predict` call, after `warmup` untimed ones. */
async function timePredictions(model: TrainableModel, batchesToRun: Iterable<Batch>, warmup: number, classes: number, now: () => number): Promise<number[]> {
  const times: number[] = [];
  let index = 0;
  for (const batch of batchesToRun) {
    const start = now();
    const logits = await model.predict(batch);
    const ms = now() - start;
    if (logits.length !== batch.size * classes) {
      throw new Error(`inference timing: predict returned ${logits.length} logits for ${batch.size} sample(s) of ${classes} classes`);
    }
    if (index++ >= warmup) times.push(ms);
  }
  return times;
}

export async function measureInference(model: TrainableModel, options: InferenceOptions): Promise<InferenceRecord> {
  const { warmupBatches, throughputBatches, warmupSamples, latencySamples } = INFERENCE_TIMING;
  const { batchSize, classes, now = () => performance.now() } = options;
  const batchTimes = await timePredictions(model, cycle(options, batchSize, warmupBatches + throughputBatches), warmupBatches, classes, now);
  const totalSeconds = batchTimes.reduce((sum, ms) => sum + ms, 0) / 1000;
  if (!(totalSeconds > 0)) throw new Error('inference timing: the timer measured no time for the timed batches');
  const sampleTimes = await timePredictions(model, cycle(options, 1, warmupSamples + latencySamples), warmupSamples, classes, now);
  return {
    batchSize,
    samplesPerSecond: (throughputBatches * batchSize) / totalSeconds,
    latencyMsMedian: median(sampleTimes),
    latencySamples: sampleTimes.length,
  };
}

/** The line `rosetta train` prints for it (the notebooks rebuild it from the results file). */
export function inferenceLine(inference: InferenceRecord): string {
  const latency = inference.latencyMsMedian < 10 ? inference.latencyMsMedian.toFixed(2) : formatCount(Math.round(inference.latencyMsMedian));
  return (
    `inference: ${formatCount(Math.round(inference.samplesPerSecond))} samples/s at batch ${inference.batchSize}, ` +
    `${latency} ms median for one sample alone (${formatCount(inference.latencySamples)} samples)`
  );
}
