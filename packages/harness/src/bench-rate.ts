/**
 * What a bench row's time means in arithmetic: its rate, the model's FLOPs per training step
 * (flops.ts) over its median step, and that rate as a share of its instruction set's peak on the
 * same machine in the same bench (the catalogue's `arithmetic`; the PyTorch reference is native
 * code). Shared by `rosetta bench`'s table and the report's.
 */
import { catalogueEntry } from './catalogue.js';
import type { Peak, TimedRow, Variant } from './bench-record.js';
import { trainingStepFlops } from './flops.js';
import { MODEL_SPECS, type ModelName } from './spec.js';

export type Arithmetic = Peak['arithmetic'];

/** The instruction set a bench row's arithmetic runs on; null where no peak applies (JavaScript, GPUs, plugins). */
export function arithmeticOf(variant: Variant): Arithmetic | null {
  if (variant.reference) return 'native';
  const arithmetic = catalogueEntry(variant.framework)?.arithmetic;
  return arithmetic === 'native' || arithmetic === 'webassembly' ? arithmetic : null;
}

export interface RowRate {
  readonly samplesPerSecond: number;
  readonly gflops: number;
  /** Of its instruction set's peak; null without one. */
  readonly share: number | null;
}

export function rowRate(model: ModelName, row: TimedRow, peaks: readonly Peak[]): RowRate {
  const batchSize = row.batchSize ?? MODEL_SPECS[model].batchSize;
  const seconds = row.msPerStepMedian / 1000;
  const gflops = trainingStepFlops(model, batchSize) / seconds / 1e9;
  const peak = peaks.find((p) => p.arithmetic === arithmeticOf(row.variant));
  return { samplesPerSecond: batchSize / seconds, gflops, share: peak === undefined ? null : gflops / peak.gflops };
}
