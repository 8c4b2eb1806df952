import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ResultFileError } from '@rosetta/harness';
import { readResultsDir } from './results-dir.js';
import { AGREEING_RUNS, fixtureWorkspace } from './testing/fixtures.js';

const LABEL = 'fixture-cpu-2-cores';

describe('readResultsDir', () => {
  it('reads and validates every results file', async () => {
    const { resultsDir, root } = await fixtureWorkspace(AGREEING_RUNS);
    const { results } = await readResultsDir(resultsDir);
    expect(results).toHaveLength(AGREEING_RUNS.length);
    await rm(root, { recursive: true });
  });

  it('rejects a file that is not JSON, naming it', async () => {
    const { resultsDir, root } = await fixtureWorkspace(AGREEING_RUNS);
    await writeFile(join(resultsDir, LABEL, 'tfjs-wasm.cnn.2ep-all.json'), '{"framework": "tfjs-wasm",');
    await expect(readResultsDir(resultsDir)).rejects.toThrow(ResultFileError);
    await expect(readResultsDir(resultsDir)).rejects.toThrow(/tfjs-wasm\.cnn\.2ep-all\.json: not valid JSON/);
    await rm(root, { recursive: true });
  });

  it('rejects a file that breaks the schema, naming it and the field', async () => {
    const { resultsDir, root } = await fixtureWorkspace(AGREEING_RUNS);
    const file = join(resultsDir, LABEL, 'onnxruntime-cpu.rnn.2ep-all.json');
    const json = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    json.testAccuracy = 1.7;
    await writeFile(file, JSON.stringify(json));
    await expect(readResultsDir(resultsDir)).rejects.toThrow(/onnxruntime-cpu\.rnn\.2ep-all\.json: not a valid results file: testAccuracy/);
    await rm(root, { recursive: true });
  });

  it('rejects a file whose name does not match its run', async () => {
    const { resultsDir, root } = await fixtureWorkspace(AGREEING_RUNS);
    await writeFile(join(resultsDir, LABEL, 'tfjs-wasm.cnn.2ep-all.json'), await readFile(join(resultsDir, LABEL, 'tfjs-cpu.cnn.2ep-all.json')));
    await expect(readResultsDir(resultsDir)).rejects.toThrow(/tfjs-wasm\.cnn\.2ep-all\.json: holds tfjs-cpu\.cnn\.2ep-all labelled "fixture-cpu-2-cores", which its name and directory do not match/);
    await rm(root, { recursive: true });
  });

  it('says so when there are no results', async () => {
    const { root } = await fixtureWorkspace([]);
    await expect(readResultsDir(join(root, 'results'))).rejects.toThrow(/results.*run `rosetta train` first/);
    await rm(root, { recursive: true });
  });
});
