/**
 * The parity check: every backend trains the same N steps from the same weights on the
 * same batches with dropout off, and every pair of backends is compared against the
 * float32 tolerances of tolerance.ts. Backends run one after the other in this process,
 * each released before the next loads, so they never compete for the cores.
 */
import type { Split } from '@rosetta/data';
import { initialWeights, weightsSha256, type Framework, type ModelName } from '@rosetta/harness';
import { comparePair, type PairComparison } from './compare.js';
import { runSteps, type StepsRun } from './steps.js';
import { tolerances, type Tolerances } from './tolerance.js';

export interface ParityOptions {
  readonly model: ModelName;
  /** In reference order: in each pair, the earlier framework is the reference (b). */
  readonly frameworks: readonly Framework[];
  /** The training split of the model's dataset. */
  readonly split: Split;
  readonly steps: number;
  readonly batchSize: number;
  /** Seed of the shared initial weights and of the batch order. */
  readonly seed: number;
  readonly trainLimit?: number;
  readonly log?: (line: string) => void;
}

export interface BackendProblem {
  readonly framework: string;
  readonly reason: string;
}

export interface ParityReport {
  readonly model: ModelName;
  readonly steps: number;
  readonly batchSize: number;
  readonly seed: number;
  /** SHA-256 of the weights file of the initial weights (harness weights.ts). */
  readonly weightsSha256: string;
  readonly tolerances: Tolerances;
  readonly runs: readonly StepsRun[];
  /** Backends that cannot run here (BackendUnavailableError): skipped, not a failure. */
  readonly unavailable: readonly BackendProblem[];
  /** Backends that loaded but failed to train: a failure. */
  readonly failed: readonly BackendProblem[];
  readonly pairs: readonly PairComparison[];
  /** Every pair within tolerance, no backend failed, and at least two backends compared. */
  readonly passed: boolean;
}

/** Matches by name too: a plugin may carry its own copy of the harness module. */
function isUnavailable(error: unknown): boolean {
  return error instanceof Error && error.name === 'BackendUnavailableError';
}

export async function runParity(options: ParityOptions): Promise<ParityReport> {
  const log = options.log ?? (() => {});
  const weights = initialWeights(options.model, options.seed);
  const runs: StepsRun[] = [];
  const unavailable: BackendProblem[] = [];
  const failed: BackendProblem[] = [];
  for (const framework of options.frameworks) {
    try {
      const run = await runSteps(framework, { ...options, weights });
      log(`${framework.name}: ${run.losses.length} step(s) on ${run.info.backend} in ${run.seconds.toFixed(1)} s`);
      runs.push(run);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      (isUnavailable(error) ? unavailable : failed).push({ framework: framework.name, reason });
      log(`${framework.name}: ${isUnavailable(error) ? 'unavailable' : 'FAILED'}: ${reason}`);
    }
  }
  const limits = tolerances(options.model, options.batchSize);
  const pairs: PairComparison[] = [];
  for (let i = 0; i < runs.length; i++) {
    for (let j = i + 1; j < runs.length; j++) pairs.push(comparePair(weights, runs[j]!, runs[i]!, limits));
  }
  return {
    model: options.model,
    steps: options.steps,
    batchSize: options.batchSize,
    seed: options.seed,
    weightsSha256: weightsSha256(options.model, weights),
    tolerances: limits,
    runs,
    unavailable,
    failed,
    pairs,
    passed: runs.length >= 2 && failed.length === 0 && pairs.every((p) => p.passed),
  };
}
