/**
 * Reads every results file of a directory. All of them are validated before anything is
 * tabulated: one malformed file rejects the whole report, named with its problem, rather
 * than quietly dropping a row.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ResultFileError, readResult, resultFileName, type Result } from '@rosetta/harness';

export async function readResultsDir(dir: string): Promise<Result[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.json') && !name.startsWith('.')).sort();
  } catch (error) {
    throw new ResultFileError(`results directory ${dir}: cannot be read (${(error as Error).message}); run \`rosetta train\` first`);
  }
  if (names.length === 0) throw new ResultFileError(`results directory ${dir}: holds no *.json results files; run \`rosetta train\` first`);

  const results: Result[] = [];
  const problems: string[] = [];
  for (const name of names) {
    const file = join(dir, name);
    try {
      const result = await readResult(file);
      // The name is how a run is found and overwritten; a renamed copy would be a second row.
      const expected = resultFileName(result.framework, result.model);
      if (name !== expected) throw new ResultFileError(`${file}: holds ${result.framework}/${result.model}, so it must be named ${expected}`);
      results.push(result);
    } catch (error) {
      if (!(error instanceof ResultFileError)) throw error;
      problems.push(error.message);
    }
  }
  if (problems.length > 0) {
    throw new ResultFileError(`rejected ${problems.length} malformed results file${problems.length > 1 ? 's' : ''}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
  return results;
}
