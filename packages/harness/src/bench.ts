/**
 * Bench measurements of one framework and model, in this process: what `rosetta bench`
 * runs in a child process per measurement. A bench times what a training run times: the
 * shared iterator's batches (of a synthetic dataset of the real shapes), consumed by the
 * same epoch code as the runner (epoch.ts), the same steps per device call, and warm-up
 * and timed steps in whole device calls, so that no timed call mixes in warm-up.
 * Speed goals live in benches, never in tests.
 */
import { syntheticImageSplit, syntheticTokenSplit, type Split } from '@rosetta/data';
import { z } from 'zod';
import { trainOneEpoch } from './epoch.js';
import { BackendUnavailableError, type Backend, type Framework, type KernelEvent, type TrainableModel } from './framework.js';
import { MODEL_SPECS, type ModelName } from './spec.js';
import { median, StepClock } from './timing.js';
import { initialWeights } from './weights.js';

/** The bench's data and weights seed when none is given (the runner's default too). */
const BENCH_SEED = 42;

export interface BenchOptions {
  readonly model: ModelName;
  /** Timed steps, rounded up to whole device calls. */
  readonly steps: number;
  /** Untimed steps first (JIT, allocator growth, operator caches), rounded up to whole device calls. */
  readonly warmup: number;
  /** Default: the SPEC batch size (64). */
  readonly batchSize?: number;
  readonly seed?: number;
  /** Steps per device call to ask the backend for (ModelOptions.stepsPerRun); default: its own. */
  readonly stepsPerRun?: number;
}

/**
 * A BLAS library as the PyTorch reference found it loaded (reference/pytorch/bench.py): "openblas",
 * "mkl", "blis", "reference" (netlib's, 2-5x slower) or "unknown".
 */
export const BlasSchema = z.object({
  name: z.string(),
  version: z.string().nullable(),
  /** The kernel it chose for this CPU, e.g. "SkylakeX". */
  kernel: z.string().nullable(),
  threads: z.number().int().positive().nullable(),
  /** Its folder and file name. */
  file: z.string().nullable(),
});
export type Blas = z.infer<typeof BlasSchema>;

/** One kernel or op type, over the profiled steps. */
export const KernelRowSchema = z.object({
  name: z.string(),
  calls: z.number().int().nonnegative(),
  totalMs: z.number().nonnegative(),
  msPerStep: z.number().nonnegative(),
  callsPerStep: z.number().nonnegative(),
  /** totalMs over the profiled steps' wall time (the bench's clock, same run). */
  share: z.number().nonnegative(),
});
export type KernelRow = z.infer<typeof KernelRowSchema>;

const common = {
  framework: z.string(),
  model: z.enum(['cnn', 'rnn']),
};

const measured = {
  ...common,
  status: z.literal('ok'),
  /** What ran, e.g. "wasm (threaded-simd, 2 threads)" or "torch 1.13.1, 2 threads". */
  backend: z.string(),
  batchSize: z.number().int().positive(),
  stepsPerRun: z.number().int().positive(),
  warmupSteps: z.number().int().nonnegative(),
  /** Peak resident set size of the measuring process, in bytes. */
  peakRssBytes: z.number().nonnegative(),
  /** How this measurement departs from SPEC.md (the PyTorch reference states its own). */
  deviations: z.array(z.string()),
  /** The BLAS library the PyTorch reference loaded (backends do not report one). */
  blas: z.lazy(() => BlasSchema).optional(),
};

/**
 * A timing: every timed step's wall and CPU milliseconds (a device call of k steps gives k
 * equal entries, as in the runner) and their medians. CPU time is the process's, all
 * threads: next to the wall time it shows how much of a step was waiting for a core.
 */
export const BenchTimingSchema = z.object({
  ...measured,
  kind: z.literal('timing'),
  msPerStep: z.array(z.number().nonnegative()).min(1),
  cpuMsPerStep: z.array(z.number().nonnegative()).min(1),
  msPerStepMedian: z.number().nonnegative(),
  cpuMsPerStepMedian: z.number().nonnegative(),
});
export type BenchTiming = z.infer<typeof BenchTimingSchema>;

/** A profile: the framework profiler's kernels over the profiled steps, largest first. */
export const BenchProfileSchema = z.object({
  ...measured,
  kind: z.literal('profile'),
  steps: z.number().int().positive(),
  /** Mean wall milliseconds per profiled step (profiling slows steps down). */
  stepMs: z.number().nonnegative(),
  kernels: z.array(KernelRowSchema),
});
export type BenchProfile = z.infer<typeof BenchProfileSchema>;

/** The framework cannot run here (missing library, no GPU, no torch). */
export const BenchUnavailableSchema = z.object({ ...common, status: z.literal('unavailable'), reason: z.string() });
/** It runs, but has no profiler hook (TrainableModel.profileKernels). */
export const BenchUnsupportedSchema = z.object({ ...common, status: z.literal('unsupported'), reason: z.string() });

export const BenchResultSchema = z.union([BenchTimingSchema, BenchProfileSchema, BenchUnavailableSchema, BenchUnsupportedSchema]);
export type BenchResult = z.infer<typeof BenchResultSchema>;

/** Validates a measurement that came from another process; `source` names it in the error. */
export function parseBenchResult(value: unknown, source: string): BenchResult {
  const parsed = BenchResultSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
    throw new Error(`${source}: not a bench measurement: ${issues}`);
  }
  return parsed.data;
}

/** `count` samples of the model's dataset shapes, from the data package's synthetic generators. */
export function syntheticSplitOf(model: ModelName, count: number, seed: number): Split {
  return MODEL_SPECS[model].dataset === 'cifar10' ? syntheticImageSplit(count, seed) : syntheticTokenSplit(count, seed);
}

const roundUp = (steps: number, k: number): number => Math.ceil(steps / k) * k;

function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

interface Prepared {
  readonly backend: Backend;
  readonly trainable: TrainableModel;
  readonly batchSize: number;
  readonly seed: number;
  readonly stepsPerRun: number;
  readonly warmup: number;
  readonly steps: number;
  readonly split: Split;
}

/**
 * Loads the framework and builds the model from the shared initial weights (outside any
 * timer, as in a training run), or says why the backend cannot run here.
 */
async function prepare(
  framework: Framework,
  options: BenchOptions,
  profile: boolean,
): Promise<{ prepared: Prepared } | { unavailable: string }> {
  const { model } = options;
  const batchSize = options.batchSize ?? MODEL_SPECS[model].batchSize;
  const seed = options.seed ?? BENCH_SEED;
  let backend: Backend;
  try {
    backend = await framework.load();
  } catch (error) {
    // By name too: a plugin may carry its own copy of the harness module.
    if (error instanceof BackendUnavailableError || (error as Error).name === 'BackendUnavailableError') {
      return { unavailable: (error as Error).message };
    }
    throw error;
  }
  let trainable: TrainableModel;
  try {
    trainable = await backend.createModel({
      model,
      weights: initialWeights(model, seed),
      seed,
      dropout: true,
      batchSize,
      ...(options.stepsPerRun === undefined ? {} : { stepsPerRun: options.stepsPerRun }),
      ...(profile ? { profile } : {}),
    });
  } catch (error) {
    await backend.dispose?.();
    throw error;
  }
  const stepsPerRun = trainable.stepsPerRun ?? 1;
  if (options.stepsPerRun !== undefined && options.stepsPerRun !== stepsPerRun) {
    trainable.dispose();
    await backend.dispose?.();
    throw new Error(`${framework.name} runs ${stepsPerRun} step(s) per call and cannot run ${options.stepsPerRun} (--steps-per-run applies to ONNX Runtime)`);
  }
  const warmup = roundUp(options.warmup, stepsPerRun);
  const steps = roundUp(options.steps, stepsPerRun);
  const split = syntheticSplitOf(model, (warmup + steps) * batchSize, seed);
  return { prepared: { backend, trainable, batchSize, seed, stepsPerRun, warmup, steps, split } };
}

async function release(prepared: Prepared): Promise<void> {
  prepared.trainable.dispose();
  await prepared.backend.dispose?.();
}

function measuredFields(framework: Framework, options: BenchOptions, p: Prepared) {
  return {
    status: 'ok' as const,
    framework: framework.name,
    model: options.model,
    backend: p.backend.info.backend,
    batchSize: p.batchSize,
    stepsPerRun: p.stepsPerRun,
    warmupSteps: p.warmup,
    deviations: [...p.backend.info.deviations],
  };
}

/**
 * Times `warmup + steps` training steps as one epoch of the shared iterator, exactly as the
 * runner does (one `trainEpoch` call, so a backend's chunks fall as in a training run), and
 * keeps the steps after the warm-up. The peak RSS is this process's: run one measurement
 * per process to make it the measurement's.
 */
export async function benchTraining(framework: Framework, options: BenchOptions): Promise<BenchResult> {
  const ready = await prepare(framework, options, false);
  if ('unavailable' in ready) return { status: 'unavailable', framework: framework.name, model: options.model, reason: ready.unavailable };
  const p = ready.prepared;
  try {
    const clock = new StepClock();
    const cpuClock = new StepClock(() => {
      const { user, system } = process.cpuUsage();
      return (user + system) / 1000;
    });
    await trainOneEpoch(p.trainable, {
      framework: framework.name,
      split: p.split,
      input: p.backend.input,
      batchSize: p.batchSize,
      seed: p.seed,
      epoch: 1,
      onReport: (losses) => {
        clock.lap(losses.length);
        cpuClock.lap(losses.length);
      },
    });
    const msPerStep = clock.stepMilliseconds.slice(p.warmup);
    const cpuMsPerStep = cpuClock.stepMilliseconds.slice(p.warmup);
    return {
      ...measuredFields(framework, options, p),
      kind: 'timing',
      msPerStep,
      cpuMsPerStep,
      msPerStepMedian: median(msPerStep),
      cpuMsPerStepMedian: median(cpuMsPerStep),
      peakRssBytes: peakRssBytes(),
    };
  } finally {
    await release(p);
  }
}

/**
 * Where a training step's time goes, by the framework's own profiler: a warm-up epoch of
 * `warmup` steps, then an epoch of `steps` steps inside `profileKernels`, aggregated by
 * kernel name (TF.js) or op type (ONNX Runtime).
 */
export async function profileTraining(framework: Framework, options: BenchOptions): Promise<BenchResult> {
  const ready = await prepare(framework, options, true);
  if ('unavailable' in ready) return { status: 'unavailable', framework: framework.name, model: options.model, reason: ready.unavailable };
  const p = ready.prepared;
  try {
    const profileKernels = p.trainable.profileKernels?.bind(p.trainable);
    if (profileKernels === undefined) {
      return {
        status: 'unsupported', framework: framework.name, model: options.model,
        reason: `${framework.name} has no profiler hook (TrainableModel.profileKernels)`,
      };
    }
    const epoch = { framework: framework.name, split: p.split, input: p.backend.input, batchSize: p.batchSize, seed: p.seed };
    if (p.warmup > 0) await trainOneEpoch(p.trainable, { ...epoch, epoch: 1, limit: p.warmup * p.batchSize });
    const clock = new StepClock();
    const events = await profileKernels(async () => {
      clock.restart();
      await trainOneEpoch(p.trainable, { ...epoch, epoch: 2, limit: p.steps * p.batchSize, onReport: (losses) => clock.lap(losses.length) });
    });
    const totalMs = clock.stepMilliseconds.reduce((a, b) => a + b, 0);
    return {
      ...measuredFields(framework, options, p),
      kind: 'profile',
      steps: p.steps,
      stepMs: totalMs / p.steps,
      kernels: aggregateKernels(events, p.steps, totalMs),
      peakRssBytes: peakRssBytes(),
    };
  } finally {
    await release(p);
  }
}

/**
 * Sums a profiler's events by name, largest total first: per-step time and calls over
 * `steps` steps, and the share of `wallMs`, the wall time of those steps.
 */
export function aggregateKernels(events: readonly KernelEvent[], steps: number, wallMs: number): KernelRow[] {
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`steps must be a positive integer, got ${steps}`);
  const byName = new Map<string, { calls: number; totalMs: number }>();
  for (const { name, ms } of events) {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`profiler event ${name} has a duration of ${ms} ms`);
    const row = byName.get(name) ?? { calls: 0, totalMs: 0 };
    row.calls++;
    row.totalMs += ms;
    byName.set(name, row);
  }
  return [...byName]
    .map(([name, { calls, totalMs }]) => ({
      name,
      calls,
      totalMs,
      msPerStep: totalMs / steps,
      callsPerStep: calls / steps,
      share: wallMs > 0 ? totalMs / wallMs : 0,
    }))
    .sort((a, b) => b.totalMs - a.totalMs || a.name.localeCompare(b.name));
}
