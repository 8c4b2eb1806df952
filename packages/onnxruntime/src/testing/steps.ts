/** Test helpers: a CPU trainer on a small program, and element-wise comparison of arrays. */
import type { Batch } from '@rosetta/data';
import type { TrainingProgram } from '../program.js';
import { provider } from '../provider.js';
import { OrtTrainer } from '../trainer.js';

export async function cpuTrainer(program: TrainingProgram, stepsPerRun = 1): Promise<OrtTrainer> {
  return OrtTrainer.create(program, provider('cpu'), { stepsPerRun });
}

/** Trains on `batches` (one epoch) and returns every reported loss. */
export async function train(trainer: OrtTrainer, batches: readonly Batch[]): Promise<number[]> {
  const losses: number[] = [];
  await trainer.trainEpoch(batches, (chunk) => losses.push(...chunk));
  return losses;
}

/**
 * The first index where |actual - expected| > abs + rel * |expected|, or -1: float32 results
 * against float64 references, with the tolerance stated at the call site.
 */
export function firstMismatch(actual: ArrayLike<number>, expected: ArrayLike<number>, abs: number, rel: number): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} vs ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    if (!(Math.abs(actual[i]! - expected[i]!) <= abs + rel * Math.abs(expected[i]!))) return i;
  }
  return -1;
}
