/**
 * The results file: one JSON per (framework, model) run, `<framework>.<model>.json`.
 * Validated when written and when read, so the reporter never tabulates a malformed or
 * half-written run; `schemaVersion` changes whenever a field changes meaning.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@rosetta/data';
import { z } from 'zod';

export const RESULTS_SCHEMA_VERSION = 1;

const finite = z.number().finite();
const nonNegative = finite.nonnegative();

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

export const ResultSchema = z
  .object({
    schemaVersion: z.literal(RESULTS_SCHEMA_VERSION),
    framework: z.string().min(1),
    model: z.enum(['cnn', 'rnn']),
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
export type Environment = z.infer<typeof EnvironmentSchema>;

export class ResultFileError extends Error {
  override readonly name = 'ResultFileError';
}

export function resultFileName(framework: string, model: string): string {
  return `${framework}.${model}.json`;
}

function describe(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
}

/** Parses and validates one results file's text; the error names the file and every problem. */
export function parseResult(text: string, file: string): Result {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ResultFileError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = ResultSchema.safeParse(json);
  if (!parsed.success) throw new ResultFileError(`${file}: not a valid results file: ${describe(parsed.error)}`);
  return parsed.data;
}

export async function readResult(file: string): Promise<Result> {
  return parseResult(await readFile(file, 'utf8'), file);
}

/** Validates, then writes `<dir>/<framework>.<model>.json` atomically; returns the path. */
export async function writeResult(dir: string, result: Result): Promise<string> {
  const parsed = ResultSchema.safeParse(result);
  if (!parsed.success) {
    throw new ResultFileError(`refusing to write an invalid result for ${result.framework}/${result.model}: ${describe(parsed.error)}`);
  }
  const file = join(dir, resultFileName(result.framework, result.model));
  await writeFileAtomic(file, `${JSON.stringify(parsed.data, null, 2)}\n`);
  return file;
}
