/**
 * `rosetta bench --out FILE`: the bench as a file, so that a ratio quoted in a README can be
 * traced to the run that measured it, with the machine it ran on. Every string is made
 * portable (no absolute path of this machine), and a bench with a failed measurement writes
 * nothing: an earlier good record at that path stays.
 */
import { findWorkspaceRoot, writeFileAtomic } from '@rosetta/data';
import { ownVersion, portableStrings, type Machine } from '@rosetta/harness';
import type { ModelBench } from './rounds.js';

export const BENCH_FORMAT = 'rosetta-bench';

export interface BenchRecord {
  readonly format: typeof BENCH_FORMAT;
  /** The command line as typed, e.g. "rosetta bench --framework onnxruntime-cpu --reference pytorch". */
  readonly command: string;
  /** The machine, with the load average when the bench started. */
  readonly machine: Machine;
  readonly harness: string;
  readonly finishedAt: string;
  readonly settings: { readonly rounds: number; readonly steps: number; readonly warmup: number; readonly batchSize: number | null; readonly seed: number };
  /** Per model: the load before and after, every row (ratios, rounds, peak RSS) and profile. */
  readonly models: readonly ModelBench[];
}

/** True when some measurement or profile failed: such a bench is not recorded. */
export function benchFailed(models: readonly ModelBench[]): boolean {
  return models.some((m) => m.rows.some((row) => row.status === 'failed') || m.profiles.some((p) => p.status === 'failed'));
}

export async function writeBenchRecord(
  file: string,
  bench: Omit<BenchRecord, 'format' | 'harness' | 'finishedAt'>,
  root: string = findWorkspaceRoot(),
): Promise<BenchRecord> {
  const record: BenchRecord = portableStrings(
    { format: BENCH_FORMAT, ...bench, harness: await ownVersion(), finishedAt: new Date().toISOString() },
    root,
  );
  await writeFileAtomic(file, `${JSON.stringify(record, null, 2)}\n`);
  return record;
}
