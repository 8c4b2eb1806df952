/**
 * Leak checks across epochs (the backends' memory tests): this process's memory after a
 * full garbage collection, and how much a run of some steps may grow before a leak matters.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { syntheticSplitOf } from '../bench.js';
import { trainOneEpoch } from '../epoch.js';
import type { Framework } from '../framework.js';
import type { ModelName } from '../spec.js';
import { initialWeights } from '../weights.js';

/** Training steps of a SPEC.md run: 781 batches x 10 epochs (CNN), 390 x 3 (GRU). */
export const SPEC_RUN_STEPS: Readonly<Record<ModelName, number>> = { cnn: 7_810, rnn: 1_170 };

/** A leak matters when it would hold this much more memory at the end of a SPEC.md run. */
export const LEAK_BUDGET_BYTES = 100 * 2 ** 20;

/** The growth that `steps` training steps may show: LEAK_BUDGET_BYTES over a SPEC.md run, pro rata. */
export function allowedGrowthBytes(model: ModelName, steps: number): number {
  return (LEAK_BUDGET_BYTES * steps) / SPEC_RUN_STEPS[model];
}

let gc: (() => void) | undefined;

/**
 * process.memoryUsage() once garbage collection frees nothing more. Array buffers over
 * native memory (onnxruntime-node's outputs) are freed by finalizers that run after a
 * collection, on a later turn of the event loop, so it collects and yields until the array
 * buffers stop shrinking. Node exposes `gc` only when started with --expose-gc; setting the
 * flag at run time makes it available in a new context.
 */
export async function memoryAfterGc(): Promise<NodeJS.MemoryUsage> {
  if (gc === undefined) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  let usage = process.memoryUsage();
  for (let round = 0; round < 10; round++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
    const next = process.memoryUsage();
    if (round > 0 && next.arrayBuffers >= usage.arrayBuffers) return next;
    usage = next;
  }
  return usage;
}

export interface EpochMemoryOptions<T> {
  readonly model: ModelName;
  readonly batchSize: number;
  /** Batches per epoch. */
  readonly batches: number;
  readonly epochs: number;
  /** ModelOptions.stepsPerRun: the backend's own when absent. */
  readonly stepsPerRun?: number;
  /** Whatever else to record after each epoch, e.g. TF.js's tensor count. */
  readonly probe: () => T;
}

export interface EpochMemory<T> {
  readonly epoch: number;
  /** process.memoryUsage() after a full collection. */
  readonly memory: NodeJS.MemoryUsage;
  readonly probe: T;
}

/**
 * Trains `epochs` epochs of a small synthetic dataset through the runner's epoch code and
 * records memory after each: what does not come back between epochs is a leak.
 */
export async function memoryByEpoch<T>(framework: Framework, options: EpochMemoryOptions<T>): Promise<EpochMemory<T>[]> {
  const { model, batchSize } = options;
  const backend = await framework.load();
  const trainable = await backend.createModel({
    model, weights: initialWeights(model, 1), seed: 1, dropout: true, batchSize,
    ...(options.stepsPerRun === undefined ? {} : { stepsPerRun: options.stepsPerRun }),
  });
  try {
    const split = syntheticSplitOf(model, options.batches * batchSize, 1);
    const epochs: EpochMemory<T>[] = [];
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      await trainOneEpoch(trainable, { framework: framework.name, split, input: backend.input, batchSize, seed: 1, epoch });
      epochs.push({ epoch, memory: await memoryAfterGc(), probe: options.probe() });
    }
    return epochs;
  } finally {
    trainable.dispose();
    await backend.dispose?.();
  }
}
