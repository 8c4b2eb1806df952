/**
 * The results file: one JSON per run of one framework and model, filed by machine label
 * (results-store.ts decides the names). Validated when written and when read, so the
 * reporter never tabulates a malformed or half-written run; `schemaVersion` changes
 * whenever a field changes meaning.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { parseValidatedJson, validateForWriting } from './validated-json.js';

export const RESULTS_SCHEMA_VERSION = 2;

const finite = z.number().finite();
const nonNegative = finite.nonnegative();

/** A WebGPU adapter as a WebGPU backend found it (GPUAdapterInfo, and whether it is a software one). */
export const WebGpuAdapterSchema = z.object({
  vendor: z.string(),
  architecture: z.string(),
  device: z.string(),
  description: z.string(),
  /** A software rasteriser on the CPU (llvmpipe, SwiftShader, WARP): results for correctness, never timings. */
  software: z.boolean(),
});

export const EnvironmentSchema = z.object({
  node: z.string(),
  platform: z.string(),
  arch: z.string(),
  os: z.string(),
  cpu: z.object({ model: z.string(), cores: z.number().int().positive() }),
  memoryGiB: nonNegative,
  /** GPU description (nvidia-smi), or null when none was found. */
  gpu: z.string().nullable(),
  /** Backend actually used, as the adapter reported it (e.g. "wasm (simd, 2 threads)"). */
  backend: z.string(),
  device: z.string(),
  /** The WebGPU adapter, for a WebGPU backend. */
  adapter: WebGpuAdapterSchema.optional(),
  versions: z.record(z.string(), z.string()),
  hostname: z.string(),
  startedAt: z.string(),
  /**
   * 1, 5 and 15-minute load averages when the run ended (captured after training): other
   * work on the machine inflates every time in the file, and this says how busy it was.
   */
  loadAverage: z.tuple([nonNegative, nonNegative, nonNegative]).optional(),
});

export const DatasetRecordSchema = z.object({
  name: z.enum(['cifar10', 'imdb']),
  source: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  format: z.string(),
  subset: z.boolean(),
  /** True for generated test data, absent for real data. */
  synthetic: z.boolean().optional(),
});

export const WeightsRecordSchema = z.object({
  /** How the initial weights were obtained: the shared seeded initialiser or a weights file. */
  source: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

/** The folder of a results directory that holds recorded benches (`rosetta bench --out`), not runs. */
export const BENCH_RECORDS_DIR = 'bench';

/** The machine (or device) a run is filed under: results of several machines live side by side. */
export const MachineLabelSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case letters, digits, ".", "_" and "-"')
  .refine((label) => label !== BENCH_RECORDS_DIR, `"${BENCH_RECORDS_DIR}" is the folder of recorded benches`);

export const RunRecordSchema = z.object({
  /**
   * The requested run size as a file-name tag, e.g. "10ep-all" or "1ep-4096" (results-store.ts,
   * configurationTag): runs of different sizes are kept apart, so that a quick run never
   * supersedes a full one.
   */
  configuration: z.string().regex(/^\d+ep-[a-z0-9-]+$/),
  /** When the `rosetta train` command that made this run started: runs of one invocation belong together. */
  invocation: z.string(),
  /** This run's place among the invocation's repeats (`--repeat N`), from 1. */
  repeat: z.number().int().positive(),
  repeats: z.number().int().positive(),
});

/** Inference, timed by the runner apart from training (SPEC.md times only training). */
export const InferenceRecordSchema = z.object({
  /** Throughput at the training batch size over the test batches, after a warm-up. */
  batchSize: z.number().int().positive(),
  samplesPerSecond: nonNegative,
  /** Median latency of one sample alone (batch 1), after a warm-up. */
  latencyMsMedian: nonNegative,
  latencySamples: z.number().int().positive(),
});

export const ResultSchema = z
  .object({
    schemaVersion: z.literal(RESULTS_SCHEMA_VERSION),
    framework: z.string().min(1),
    model: z.enum(['cnn', 'rnn']),
    label: MachineLabelSchema,
    run: RunRecordSchema,
    status: z.enum(['ok', 'unavailable', 'failed']),
    /** Why the run is not `ok`; null when it is. */
    reason: z.string().nullable(),
    epochs: z.number().int().nonnegative(),
    batchSize: z.number().int().positive(),
    trainSamples: z.number().int().nonnegative(),
    testSamples: z.number().int().nonnegative(),
    /** Whole training (all epochs) inside the timer, as SPEC.md defines it. */
    trainSeconds: nonNegative.nullable(),
    /** One entry per completed epoch; the first holds warm-up and compilation. */
    epochSeconds: z.array(nonNegative),
    /** Median over epochs 2..n, or the first epoch when there is only one. */
    steadyEpochSeconds: nonNegative.nullable(),
    msPerStepMedian: nonNegative.nullable(),
    samplesPerSecond: nonNegative.nullable(),
    /** Mean training loss per completed epoch. */
    epochLoss: z.array(finite),
    finalLoss: finite.nullable(),
    testAccuracy: z.number().min(0).max(1).nullable(),
    evalSeconds: nonNegative.nullable(),
    /** Null when not ok, or not timed: on a software WebGPU adapter (runner.ts). */
    inference: InferenceRecordSchema.nullable(),
    seed: z.number().int(),
    dropout: z.boolean(),
    /** Departures from SPEC.md, stated by the backend. */
    deviations: z.array(z.string()),
    dataset: DatasetRecordSchema.nullable(),
    weights: WeightsRecordSchema.nullable(),
    env: EnvironmentSchema,
    /** The command line that produced this file. */
    command: z.string(),
  })
  .superRefine((r, ctx) => {
    if (r.status === 'ok') {
      for (const key of ['trainSeconds', 'msPerStepMedian', 'samplesPerSecond', 'testAccuracy', 'finalLoss', 'dataset'] as const) {
        if (r[key] === null) ctx.addIssue({ code: 'custom', path: [key], message: `required when status is "ok"` });
      }
      if (r.reason !== null) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'must be null when status is "ok"' });
      if (r.epochSeconds.length !== r.epochs) {
        ctx.addIssue({ code: 'custom', path: ['epochSeconds'], message: `has ${r.epochSeconds.length} entries for ${r.epochs} epochs` });
      }
    } else if (!r.reason) {
      ctx.addIssue({ code: 'custom', path: ['reason'], message: `required when status is "${r.status}"` });
    }
  });

export type Result = z.infer<typeof ResultSchema>;
export type RunRecord = z.infer<typeof RunRecordSchema>;
export type InferenceRecord = z.infer<typeof InferenceRecordSchema>;
export type Environment = z.infer<typeof EnvironmentSchema>;
export type WebGpuAdapter = z.infer<typeof WebGpuAdapterSchema>;

export class ResultFileError extends Error {
  override readonly name = 'ResultFileError';
}

/** Parses and validates one results file's text; the error names the file and every problem. */
export function parseResult(text: string, file: string): Result {
  return parseValidatedJson(ResultSchema, text, file, 'a valid results file', ResultFileError);
}

export async function readResult(file: string): Promise<Result> {
  return parseResult(await readFile(file, 'utf8'), file);
}

/** Validates a result about to be written; the error names the run and every problem. */
export function validateResult(result: Result): Result {
  return validateForWriting(ResultSchema, result, `refusing to write an invalid result for ${result.framework}/${result.model}`, ResultFileError);
}
