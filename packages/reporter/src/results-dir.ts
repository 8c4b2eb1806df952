/**
 * Reads every results file of a results directory (`<dir>/<label>/*.json`, see
 * @rosetta/harness's results-store.ts). All of them are validated before anything is
 * tabulated: one malformed file rejects the whole report, named with its problem, rather
 * than quietly dropping a row.
 */
import { readResultsDirectory, ResultFileError, type Result } from '@rosetta/harness';

export interface ResultsRead {
  /** The kept result of every framework, model and label. */
  readonly results: Result[];
  /** Runs newer than a kept ok result that failed or could not run; the report shows them beside it. */
  readonly latestFailures: Result[];
}

export async function readResultsDir(dir: string): Promise<ResultsRead> {
  const sets = await readResultsDirectory(dir);
  if (sets.length === 0) throw new ResultFileError(`results directory ${dir}: holds no results files; run \`rosetta train\` first`);
  return { results: sets.map((set) => set.runs[0]!), latestFailures: sets.flatMap((set) => (set.latestFailure ? [set.latestFailure] : [])) };
}
