/**
 * A recorded bench (`rosetta bench --out FILE`): the command, the machine, and per model
 * every variant's row (median step, ratio to the base, the rounds, peak RSS) and profile.
 * Validated when written and when read, like a results file: `rosetta report` tabulates
 * these files, so a README's ratio can be traced to the run that measured it.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { BenchProfileSchema } from './bench.js';
import { EnvironmentSchema } from './results.js';
import { parseValidatedJson, validateForWriting } from './validated-json.js';

export const BENCH_RECORD_FORMAT = 'rosetta-bench';

const finite = z.number().finite();
const nonNegative = finite.nonnegative();

export const VariantSchema = z.object({
  /** As printed: the framework, and its steps per run when --steps-per-run is given. */
  label: z.string(),
  /** A registered framework, or "pytorch" for the reference. */
  framework: z.string(),
  stepsPerRun: z.number().int().positive().optional(),
  /** Samples per step, when the bench varies it (--batch-size 32,64,...). */
  batchSize: z.number().int().positive().optional(),
  /** Threads of the backend, when the bench varies them (--threads 1,2). */
  threads: z.number().int().positive().optional(),
  /** The PyTorch reference: when it runs, every ratio is to it (at the same batch size and threads). */
  reference: z.boolean(),
});

export const TimedRowSchema = z.object({
  status: z.literal('ok'),
  variant: VariantSchema,
  backend: z.string(),
  /** Absent in records made before rows kept it (SPEC.md's then, or the settings'). */
  batchSize: z.number().int().positive().optional(),
  stepsPerRun: z.number().int().positive(),
  warmupSteps: z.number().int().nonnegative(),
  /** Timed steps per round. */
  steps: z.number().int().positive(),
  /** Median over every timed step of every round (a device call's k steps count k times). */
  msPerStepMedian: nonNegative,
  cpuMsPerStepMedian: nonNegative,
  roundMedians: z.array(nonNegative),
  /** Median of `roundRatios`; 1 for the base; null when the base has no round in common. */
  ratio: nonNegative.nullable(),
  /** This variant's round median over the base's, for each round both finished. */
  roundRatios: z.array(nonNegative),
  /** The largest peak RSS of its processes. */
  peakRssBytes: nonNegative,
  deviations: z.array(z.string()),
});

export const MissingRowSchema = z.object({
  status: z.enum(['unavailable', 'failed']),
  variant: VariantSchema,
  reason: z.string(),
});

export const ProfileOutcomeSchema = z.union([
  z.object({ status: z.literal('ok'), variant: VariantSchema, profile: BenchProfileSchema }),
  z.object({ status: z.enum(['unavailable', 'unsupported', 'failed']), variant: VariantSchema, reason: z.string() }),
]);

export const ModelBenchSchema = z.object({
  model: z.enum(['cnn', 'rnn']),
  /** os.loadavg() before the first and after the last measurement of the model. */
  loadStart: z.array(nonNegative),
  loadEnd: z.array(nonNegative),
  /**
   * What the ratios are to: the reference when it ran, else the first variant that ran; in a
   * scaling bench each row's ratio is to the base of its own batch size and threads, and this is
   * the first one's.
   */
  base: VariantSchema.nullable(),
  rows: z.array(z.union([TimedRowSchema, MissingRowSchema])),
  profiles: z.array(ProfileOutcomeSchema),
});

/** A large product timed one way (PeakCandidate in framework.ts). */
export const PeakCandidateSchema = z.object({ what: z.string(), gflops: nonNegative });

/**
 * An instruction set's arithmetic peak on the machine, measured in the same bench: the best of its
 * candidates. Every row on that instruction set (catalogue `arithmetic`) is set against it.
 */
export const PeakSchema = z.object({
  arithmetic: z.enum(['native', 'webassembly']),
  gflops: nonNegative,
  /** The candidate that gave it. */
  what: z.string(),
  candidates: z.array(PeakCandidateSchema),
});

export const BenchRecordSchema = z.object({
  format: z.literal(BENCH_RECORD_FORMAT),
  /** The command line as typed, e.g. "rosetta bench --framework onnxruntime-cpu --reference pytorch". */
  command: z.string(),
  /** The machine, with the load average when the bench started. */
  machine: EnvironmentSchema.omit({ backend: true, device: true, versions: true }),
  /** The version of @rosetta/harness that measured. */
  harness: z.string(),
  finishedAt: z.string(),
  settings: z.object({
    rounds: z.number().int().positive(),
    steps: z.number().int().positive(),
    warmup: z.number().int().nonnegative(),
    batchSize: z.number().int().positive().nullable(),
    /** Every batch size and thread count benched, when several were (a scaling bench). */
    batchSizes: z.array(z.number().int().positive()).optional(),
    threads: z.array(z.number().int().positive()).optional(),
    seed: z.number().int(),
  }),
  models: z.array(ModelBenchSchema),
  /** Absent in records made before the bench measured peaks. */
  peaks: z.array(PeakSchema).optional(),
});

export type Variant = z.infer<typeof VariantSchema>;
export type TimedRow = z.infer<typeof TimedRowSchema>;
export type MissingRow = z.infer<typeof MissingRowSchema>;
export type BenchRow = TimedRow | MissingRow;
export type ProfileOutcome = z.infer<typeof ProfileOutcomeSchema>;
export type ModelBench = z.infer<typeof ModelBenchSchema>;
export type Peak = z.infer<typeof PeakSchema>;
export type BenchRecord = z.infer<typeof BenchRecordSchema>;

export class BenchRecordError extends Error {
  override readonly name = 'BenchRecordError';
}

/** Parses and validates a recorded bench; the error names the file and every problem. */
export function parseBenchRecord(text: string, file: string): BenchRecord {
  return parseValidatedJson(BenchRecordSchema, text, file, 'a valid bench record', BenchRecordError);
}

export async function readBenchRecord(file: string): Promise<BenchRecord> {
  return parseBenchRecord(await readFile(file, 'utf8'), file);
}

/** Validates a bench about to be written; the error says what is wrong with it. */
export function validateBenchRecord(record: BenchRecord): BenchRecord {
  return validateForWriting(BenchRecordSchema, record, 'refusing to write an invalid bench record', BenchRecordError);
}
