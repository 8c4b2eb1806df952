/**
 * `rosetta bench --out FILE`: the bench as a file (harness bench-record.ts has its schema),
 * so that a ratio quoted in a README can be traced to the run that measured it, with the
 * machine it ran on; `rosetta report` tabulates these files. Every string is made portable
 * (no absolute path of this machine), and a bench with a failed measurement writes nothing:
 * an earlier good record at that path stays.
 */
import { findWorkspaceRoot, writeFileAtomic } from '@rosetta/data';
import { BENCH_RECORD_FORMAT, ownVersion, portableStrings, validateBenchRecord, type BenchRecord, type ModelBench } from '@rosetta/harness';

/** True when some measurement or profile failed: such a bench is not recorded. */
export function benchFailed(models: readonly ModelBench[]): boolean {
  return models.some((m) => m.rows.some((row) => row.status === 'failed') || m.profiles.some((p) => p.status === 'failed'));
}

export async function writeBenchRecord(
  file: string,
  bench: Pick<BenchRecord, 'command' | 'machine' | 'settings' | 'models' | 'peaks'>,
  root: string = findWorkspaceRoot(),
): Promise<BenchRecord> {
  const record = validateBenchRecord(
    portableStrings({ format: BENCH_RECORD_FORMAT, ...bench, harness: await ownVersion(), finishedAt: new Date().toISOString() }, root),
  );
  await writeFileAtomic(file, `${JSON.stringify(record, null, 2)}\n`);
  return record;
}
