/**
 * Reads the results directories of one or several machines (`<dir>/<label>/*.json`, see
 * @rosetta/harness's results-store.ts) into one list of run sets. Every file of every
 * directory is validated first: one malformed file rejects the whole report, named with its
 * problem, rather than quietly dropping a row.
 *
 * Directories merge by run set: the same label, framework, model and configuration found in
 * two of them (a machine's results copied twice, or run again) is settled by the rule the
 * store itself follows within one directory: the newest invocation that has an ok run wins,
 * and a newer failure stays beside it. Each such case is reported, not settled silently.
 */
import { resolve } from 'node:path';
import { readResultsDirectory, ResultFileError, type Result, type RunSet } from '@rosetta/harness';

/** A run set and the results directory it was read from (its `files` are relative to it). */
export interface ReadRunSet extends RunSet {
  readonly dir: string;
}

export interface ResultsRead {
  readonly sets: readonly ReadRunSet[];
  /** One line per run set found in several directories: what was kept, and why. */
  readonly merges: readonly string[];
}

const keyOf = (set: RunSet) => [set.label, set.framework, set.model, set.configuration].join('\u0000');
const nameOf = (set: RunSet) => `${set.label}/${set.framework}.${set.model}.${set.configuration}`;
const isOk = (set: RunSet) => set.runs[0]!.status === 'ok';
const newestStart = (runs: readonly Result[]) => runs.map((run) => run.env.startedAt).sort().at(-1)!;

function describeSet(set: ReadRunSet): string {
  const first = set.runs[0]!;
  const what = first.status === 'ok' ? `${set.runs.length} ok run${set.runs.length === 1 ? '' : 's'}` : `a ${first.status} run`;
  return `${set.dir} (${what}, invocation ${first.run.invocation})`;
}

/** One run set out of the same run set of several directories, and the line that says how. */
function merge(candidates: readonly ReadRunSet[]): { set: ReadRunSet; line: string } {
  const ok = candidates.filter(isOk);
  // Newest invocation first; on a tie (the same files copied twice), the directory given first.
  const pool = [...(ok.length > 0 ? ok : candidates)].sort((a, b) => (a.runs[0]!.run.invocation < b.runs[0]!.run.invocation ? 1 : a.runs[0]!.run.invocation > b.runs[0]!.run.invocation ? -1 : 0));
  const kept = pool[0]!;
  const tie = pool.filter((set) => set.runs[0]!.run.invocation === kept.runs[0]!.run.invocation).length > 1;
  // The failures the kept ok runs do not answer: later than all of them, from any directory.
  const failures = candidates.flatMap((set) => [...(set.latestFailure ? [set.latestFailure] : []), ...(isOk(set) ? [] : set.runs)]);
  const since = newestStart(kept.runs);
  const latestFailure = isOk(kept) ? (failures.filter((f) => f.env.startedAt > since).sort((a, b) => (a.env.startedAt < b.env.startedAt ? 1 : -1))[0] ?? null) : null;
  const why = tie ? 'the same invocation in several directories: kept the first given' : ok.length > 0 ? 'kept the newest invocation with an ok run' : 'no ok run anywhere: kept the newest';
  const failureNote = latestFailure && latestFailure !== kept.latestFailure ? `; a later ${latestFailure.status} run (${latestFailure.env.startedAt}) is shown beside it` : '';
  return {
    set: { ...kept, latestFailure },
    line: `results: ${nameOf(kept)} is in ${candidates.map(describeSet).join(' and ')}: ${why}, ${kept.dir}${failureNote}`,
  };
}

export async function readResultsDirs(dirs: readonly string[]): Promise<ResultsRead> {
  if (dirs.length === 0) throw new ResultFileError('no results directory given');
  const seen = new Set<string>();
  for (const dir of dirs) {
    if (seen.has(resolve(dir))) throw new ResultFileError(`results directory ${dir}: given twice`);
    seen.add(resolve(dir));
  }
  const byKey = new Map<string, ReadRunSet[]>();
  for (const dir of dirs) {
    for (const set of await readResultsDirectory(dir)) {
      const candidates = byKey.get(keyOf(set)) ?? [];
      candidates.push({ ...set, dir });
      byKey.set(keyOf(set), candidates);
    }
  }
  if (byKey.size === 0) {
    throw new ResultFileError(`results director${dirs.length === 1 ? `y ${dirs[0]}: holds` : `ies ${dirs.join(', ')}: hold`} no results files; run \`rosetta train\` first`);
  }
  const sets: ReadRunSet[] = [];
  const merges: string[] = [];
  for (const candidates of byKey.values()) {
    if (candidates.length === 1) {
      sets.push(candidates[0]!);
      continue;
    }
    const { set, line } = merge(candidates);
    sets.push(set);
    merges.push(line);
  }
  return { sets, merges };
}
