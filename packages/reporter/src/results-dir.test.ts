import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ResultFileError } from '@rosetta/harness';
import { readResultsDirs } from './results-dir.js';
import { AGREEING_RUNS, fixtureWorkspace, writeFixtureRuns, type FixtureWorkspace, type RunFixture } from './testing/fixtures.js';

const LABEL = 'fixture-cpu-2-cores';
const roots: string[] = [];

async function workspace(runs: readonly RunFixture[]): Promise<FixtureWorkspace> {
  const ws = await fixtureWorkspace(runs);
  roots.push(ws.root);
  return ws;
}

afterEach(async () => {
  for (const root of roots.splice(0)) await rm(root, { recursive: true, force: true });
});

describe('readResultsDirs', () => {
  it('reads and validates every results file', async () => {
    const { resultsDir } = await workspace(AGREEING_RUNS);
    const { sets, merges } = await readResultsDirs([resultsDir]);
    expect(sets).toHaveLength(AGREEING_RUNS.length);
    expect(sets.every((set) => set.dir === resultsDir && set.runs.length === 1)).toBe(true);
    expect(merges).toEqual([]);
  });

  it('keeps every repeat of an invocation, in order', async () => {
    const invocation = '2026-11-24T08:00:00.000Z';
    const { resultsDir } = await workspace([1, 2, 3].map((repeat) => ({ framework: 'tfjs-wasm', model: 'cnn' as const, invocation, repeat, repeats: 3, trainSeconds: 100 + repeat })));
    const [set] = (await readResultsDirs([resultsDir])).sets;
    expect(set!.runs.map((run) => run.trainSeconds)).toEqual([101, 102, 103]);
    expect(set!.files).toEqual([`${LABEL}/tfjs-wasm.cnn.2ep-all.json`, `${LABEL}/tfjs-wasm.cnn.2ep-all.run2.json`, `${LABEL}/tfjs-wasm.cnn.2ep-all.run3.json`]);
  });

  it('merges the directories of several machines, each run set with the directory it came from', async () => {
    const ws = await workspace(AGREEING_RUNS);
    const gpuDir = join(ws.root, 'gpu-box', 'results');
    await writeFixtureRuns(gpuDir, [{ framework: 'onnxruntime-cuda', model: 'cnn', label: 'nvidia-h200', trainSeconds: 12 }], ws.root);
    const { sets, merges } = await readResultsDirs([ws.resultsDir, gpuDir]);
    expect(sets).toHaveLength(AGREEING_RUNS.length + 1);
    expect(sets.find((set) => set.label === 'nvidia-h200')).toMatchObject({ dir: gpuDir, framework: 'onnxruntime-cuda', files: ['nvidia-h200/onnxruntime-cuda.cnn.2ep-all.json'] });
    expect(merges).toEqual([]);
  });

  it('keeps the newer invocation of a run set found in two directories, and says so', async () => {
    const ws = await workspace(AGREEING_RUNS);
    const copy = join(ws.root, 'copy', 'results');
    const newer = '2026-12-01T09:00:00.000Z';
    await writeFixtureRuns(copy, [1, 2].map((repeat) => ({ framework: 'tfjs-wasm', model: 'cnn' as const, invocation: newer, repeat, repeats: 2, trainSeconds: 90 })), ws.root);
    for (const order of [[ws.resultsDir, copy], [copy, ws.resultsDir]]) {
      const { sets, merges } = await readResultsDirs(order);
      const kept = sets.filter((set) => set.framework === 'tfjs-wasm' && set.model === 'cnn');
      expect(kept).toHaveLength(1);
      expect(kept[0]).toMatchObject({ dir: copy });
      expect(kept[0]!.runs.map((run) => run.run.invocation)).toEqual([newer, newer]);
      expect(merges).toHaveLength(1);
      expect(merges[0]).toContain(`results: ${LABEL}/tfjs-wasm.cnn.2ep-all is in `);
      expect(merges[0]).toContain(`${copy} (2 ok runs, invocation ${newer})`);
      expect(merges[0]).toContain(`${ws.resultsDir} (1 ok run, invocation 2026-11-23T05:00:00.000Z)`);
      expect(merges[0]).toMatch(new RegExp(`kept the newest invocation with an ok run, ${copy.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    }
  });

  it('keeps the first directory\'s copy when two hold the same invocation', async () => {
    const ws = await workspace(AGREEING_RUNS);
    const copy = join(ws.root, 'copy');
    await cp(ws.resultsDir, copy, { recursive: true });
    const { sets, merges } = await readResultsDirs([copy, ws.resultsDir]);
    expect(sets).toHaveLength(AGREEING_RUNS.length);
    expect(sets.every((set) => set.dir === copy)).toBe(true);
    expect(merges).toHaveLength(AGREEING_RUNS.length);
    expect(merges.every((line) => line.endsWith(`: the same invocation in several directories: kept the first given, ${copy}`))).toBe(true);
  });

  it('keeps an older ok run over a newer failure from another directory, and shows the failure beside it', async () => {
    const ws = await workspace(AGREEING_RUNS);
    const other = join(ws.root, 'other', 'results');
    const later = '2026-12-02T10:00:00.000Z';
    await writeFixtureRuns(other, [{ framework: 'onnxruntime-cpu', model: 'rnn', status: 'failed', invocation: later }], ws.root);
    const { sets, merges } = await readResultsDirs([other, ws.resultsDir]);
    const kept = sets.find((set) => set.framework === 'onnxruntime-cpu' && set.model === 'rnn')!;
    expect(kept.dir).toBe(ws.resultsDir);
    expect(kept.runs[0]!.status).toBe('ok');
    expect(kept.latestFailure).toMatchObject({ status: 'failed', reason: 'loss became NaN at step 3' });
    expect(merges[0]).toMatch(/kept the newest invocation with an ok run, .*; a later failed run \(2026-12-02T10:00:00\.000Z\) is shown beside it$/);
  });

  it('rejects a file that is not JSON, naming it', async () => {
    const { resultsDir } = await workspace(AGREEING_RUNS);
    await writeFile(join(resultsDir, LABEL, 'tfjs-wasm.cnn.2ep-all.json'), '{"framework": "tfjs-wasm",');
    await expect(readResultsDirs([resultsDir])).rejects.toThrow(ResultFileError);
    await expect(readResultsDirs([resultsDir])).rejects.toThrow(/tfjs-wasm\.cnn\.2ep-all\.json: not valid JSON/);
  });

  it('rejects a file that breaks the schema, naming it and the field', async () => {
    const { resultsDir } = await workspace(AGREEING_RUNS);
    const file = join(resultsDir, LABEL, 'onnxruntime-cpu.rnn.2ep-all.json');
    const json = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    json.testAccuracy = 1.7;
    await writeFile(file, JSON.stringify(json));
    await expect(readResultsDirs([resultsDir])).rejects.toThrow(/onnxruntime-cpu\.rnn\.2ep-all\.json: not a valid results file: testAccuracy/);
  });

  it('rejects a file whose name does not match its run', async () => {
    const { resultsDir } = await workspace(AGREEING_RUNS);
    await writeFile(join(resultsDir, LABEL, 'tfjs-wasm.cnn.2ep-all.json'), await readFile(join(resultsDir, LABEL, 'tfjs-cpu.cnn.2ep-all.json')));
    await expect(readResultsDirs([resultsDir])).rejects.toThrow(/tfjs-wasm\.cnn\.2ep-all\.json: holds tfjs-cpu\.cnn\.2ep-all labelled "fixture-cpu-2-cores", which its name and directory do not match/);
  });

  it('says so when there are no results, and when a directory is given twice', async () => {
    const { root, resultsDir } = await workspace([]);
    await expect(readResultsDirs([join(root, 'results')])).rejects.toThrow(/results.*run `rosetta train` first/);
    await expect(readResultsDirs([resultsDir, `${resultsDir}/`])).rejects.toThrow(`results directory ${resultsDir}/: given twice`);
  });
});
