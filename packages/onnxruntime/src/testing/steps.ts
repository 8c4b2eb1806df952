/** Test helpers: a CPU model on a small program, and element-wise comparison of arrays. */
import type { Batch } from '@rosetta/data';
import * as cnn from '../cnn.js';
import type { TrainingProgram } from '../program.js';
import { cpuProvider } from '../provider.js';
import * as rnn from '../rnn.js';
import { OrtModel } from '../model.js';

/** The model of `program` on the CPU provider, with the steps of its model file. */
export async function cpuModel(program: TrainingProgram, stepsPerRun = 1): Promise<OrtModel> {
  return OrtModel.create(program, program.model === 'cnn' ? cnn : rnn, cpuProvider(), { stepsPerRun });
}

/** Trains on `batches` (one epoch) and returns every reported loss. */
export async function train(trainer: OrtModel, batches: readonly Batch[]): Promise<number[]> {
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
