import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { INotebookContent } from '@jupyterlab/nbformat';
import { ResultFileError } from '@rosetta/harness';
import { sampleBenchRecord } from '@rosetta/harness/testing';
import { FAMILIES } from './families.js';
import { notebookProblems } from './nbformat-schema.js';
import { joinSource, notebookCode } from './notebook.js';
import { NotebookExecutionError, type NotebookExecutor } from './notebook-execute.js';
import { ReadmeSectionError, SECTION_END, SECTION_START } from './readme-section.js';
import { runReport } from './report.js';
import { extractSteps, StepMarkerError, STEPS } from './steps.js';
import { AGREEING_RUNS, fixtureWorkspace, README_TEXT, writeFixtureRuns, type FixtureWorkspace, type RunFixture } from './testing/fixtures.js';

const roots: string[] = [];

async function workspace(runs: readonly RunFixture[], readme?: string): Promise<FixtureWorkspace> {
  const ws = await fixtureWorkspace(runs, readme);
  roots.push(ws.root);
  return ws;
}

/** Stands in for nbclient: every code cell "prints" its id, as an executed cell would have outputs. */
const fakeExecutor: NotebookExecutor = async (notebook) => ({
  ...notebook,
  cells: notebook.cells.map((cell) =>
    cell.cell_type === 'code' ? { ...cell, execution_count: 1, outputs: [{ output_type: 'stream', name: 'stdout', text: [`ran ${String(cell.id)}\n`] }] } : cell,
  ),
});

const NOTEBOOK_RUN = { seed: 42, epochs: 1, trainLimit: 128, testLimit: 128 } as const;

function report(ws: FixtureWorkspace, execute: NotebookExecutor = fakeExecutor) {
  return runReport({ workspaceRoot: ws.root, resultsDirs: [ws.resultsDir], notebooksDir: ws.notebooksDir, readme: ws.readme, notebooks: { run: NOTEBOOK_RUN, execute } });
}

afterEach(async () => {
  for (const root of roots.splice(0)) await rm(root, { recursive: true, force: true });
});

describe('runReport on agreeing short runs', () => {
  it('writes the table with every row, both charts, the notebooks and the side-by-side page', async () => {
    const ws = await workspace(AGREEING_RUNS);
    const outcome = await report(ws);
    expect(outcome.disagreements).toEqual([]);
    const page = await readFile(join(ws.resultsDir, 'README.md'), 'utf8');
    // One detailed row per model, and a row in each model's overview.
    for (const framework of ['tfjs-cpu', 'tfjs-wasm', 'onnxruntime-cpu', 'tfjs-node-gpu', 'onnxruntime-cuda']) {
      expect(page.match(new RegExp(`\\| \\*\\*${framework}\\*\\* \\(${framework} backend\\) \\|`, 'g'))).toHaveLength(2);
      expect(page.match(new RegExp(`\\| \\*\\*${framework}\\*\\* \\| \\S`, 'g'))?.length).toBeGreaterThanOrEqual(2);
    }
    expect(page).toContain('| backend | `fixture-cpu-2-cores` |');
    expect(page).toContain('**unavailable**: tfjs-node-gpu: libcudart.so.11.0: cannot open shared object file');
    expect(page).toContain('**Not the SPEC.md run**');
    expect(page).toContain('2 epochs × batch 64, 4,096 training / 1,000 test samples');
    // 3 sqrt(2 * 0.29 * 0.71 / 1000) = 6.09 percentage points at the CNN's median accuracy.
    expect(page).toContain('= **6.09 pp** (p = median accuracy, n = test samples of one run): every backend agrees. It catches a broken implementation');
    // onnxruntime-cpu is the fastest CNN run (90 s); tfjs-cpu took 400 s.
    expect(page).toMatch(/\| \*\*tfjs-cpu\*\* \(tfjs-cpu backend\) \| cpu \| 1 \| 28\.00 % \|.*\| 4\.44× \|/);
    expect(page).toContain('![Training time per backend](training-time.svg)');
    const notebooks = (await readdir(ws.notebooksDir)).sort();
    expect(notebooks).toEqual([
      'README.md', 'onnxruntime.cnn.ipynb', 'onnxruntime.rnn.ipynb', 'pytorch.cnn.ipynb', 'pytorch.rnn.ipynb', 'side-by-side.html', 'side-by-side.md', 'tfjs.cnn.ipynb', 'tfjs.rnn.ipynb',
    ]);
    for (const chart of ['training-time.svg', 'loss-per-epoch.svg']) expect((await stat(join(ws.resultsDir, chart))).size).toBeGreaterThan(1000);
  });

  it('changes only the marked section of the README', async () => {
    const ws = await workspace(AGREEING_RUNS);
    const before = await readFile(ws.readme, 'utf8');
    await report(ws);
    const after = await readFile(ws.readme, 'utf8');
    const start = (text: string) => text.indexOf(SECTION_START) + SECTION_START.length;
    const end = (text: string) => text.indexOf(SECTION_END);
    expect(after.slice(0, start(after))).toBe(before.slice(0, start(before)));
    expect(after.slice(end(after))).toBe(before.slice(end(before)));
    const section = after.slice(start(after), end(after));
    expect(section).not.toContain('old generated text');
    // Linked, not copied: the tables are on the results page.
    expect(section).toContain('[results/README.md](results/README.md) tabulates 10 results of backends on 1 machine: ');
    expect(section).toContain("every backend's accuracy agrees with the others'");
    expect(section).not.toContain('| **onnxruntime-cuda**');
    expect(section).toContain('![Training time per backend](results/training-time.svg)');
  });

  it('writes executed notebooks whose source cells are the file, verbatim and in order, then the run and the recorded runs', async () => {
    const ws = await workspace(AGREEING_RUNS);
    await report(ws);
    for (const family of FAMILIES) {
      for (const model of ['cnn', 'rnn'] as const) {
        const notebook = JSON.parse(await readFile(join(ws.notebooksDir, `${family.id}.${model}.ipynb`), 'utf8')) as INotebookContent;
        expect(notebookProblems(notebook)).toEqual([]);
        expect(notebook.metadata.kernelspec?.name).toBe(family.language === 'python' ? 'python3' : 'tslab');
        expect(notebook.metadata['rosetta']).toMatchObject({ family: family.id, model, run: NOTEBOOK_RUN });
        const code = notebook.cells.filter((cell) => cell.cell_type === 'code');
        // Every code cell went through the executor.
        expect(code.map((cell) => JSON.stringify(cell.outputs))).toEqual(code.map((cell) => JSON.stringify([{ output_type: 'stream', name: 'stdout', text: [`ran ${String(cell.id)}\n`] }])));
        const fromSource = code.filter((cell) => ['imports', ...STEPS.map((step) => step.name.replace(/ /g, '-')), 'adapter'].includes(String(cell.id)));
        expect(fromSource.map((cell) => cell.id)).toEqual(['imports', ...STEPS.map((step) => step.name.replace(/ /g, '-')), 'adapter']);
        // The file's parts, as the kernel needs them (notebookCode: the identity for Python).
        const parts = extractSteps(await readFile(join(ws.root, family.sources[model]), 'utf8'), family.sources[model]);
        const expected = [parts.preamble, ...STEPS.map((step) => parts.steps.get(step.name)!), parts.epilogue].map((text) => notebookCode(family, text));
        expect(fromSource.map((cell) => joinSource(cell.source))).toEqual(expected);
        const ids = code.map((cell) => String(cell.id));
        expect(ids.slice(ids.indexOf('setup'))).toEqual(['setup', 'run-load-data', 'run-build-model', 'run-train-on-mini-batches', 'run-predict', 'run-evaluate']);
        // The family's recorded runs, as Markdown at the end, each naming its file; no other family's.
        const recorded = joinSource(notebook.cells.at(-1)!.source);
        const mine = AGREEING_RUNS.filter((run) => run.model === model && family.runs(run.framework)).map((run) => run.framework);
        for (const framework of mine) expect(recorded).toContain(`(../results/fixture-cpu-2-cores/${framework}.${model}.2ep-all.json)`);
        expect(recorded.match(/^### /gm) ?? []).toHaveLength(mine.length);
      }
    }
    const sideBySide = await readFile(join(ws.notebooksDir, 'side-by-side.md'), 'utf8');
    for (const family of FAMILIES) expect(sideBySide).toContain(`>${family.title}</a>`);
    expect(sideBySide.match(/<th valign="top">\d\. /g)).toHaveLength(2 * STEPS.length);
    expect(sideBySide).toContain("```ts\n  const step5 = something('onnxruntime', 'rnn', 5); // `evaluate`\n\n  console.log(step5);\n```");
    expect(sideBySide).toContain("```python\n  const step5 = something('pytorch', 'rnn', 5);");
  });

  it('writes no notebook, and nothing else, when one fails to execute, and leaves them alone when not asked to execute', async () => {
    const ws = await workspace(AGREEING_RUNS);
    const failing: NotebookExecutor = async (_notebook, _folder, name) => {
      throw new NotebookExecutionError(`${name}: executing it failed: NameError`);
    };
    await expect(report(ws, failing)).rejects.toThrow(/tfjs\.cnn\.ipynb: executing it failed: NameError/);
    await expect(stat(ws.notebooksDir)).rejects.toThrow(/ENOENT/);
    await runReport({ workspaceRoot: ws.root, resultsDirs: [ws.resultsDir], notebooksDir: ws.notebooksDir, readme: null });
    expect((await readdir(ws.notebooksDir)).sort()).toEqual(['README.md', 'side-by-side.html', 'side-by-side.md']);
  });
});

describe('runReport on several machines', () => {
  const GPU_RUNS: readonly RunFixture[] = [
    { framework: 'onnxruntime-cuda', model: 'cnn', label: 'nvidia-h200', trainSeconds: 12, accuracy: 0.3 },
    { framework: 'tfjs-node-gpu', model: 'cnn', label: 'nvidia-h200', trainSeconds: 20, accuracy: 0.29 },
  ];

  it('merges the results directories of two machines into one table with a column each, written where asked', async () => {
    const ws = await workspace(AGREEING_RUNS);
    const gpuDir = join(ws.root, 'gpu-box', 'results');
    await writeFixtureRuns(gpuDir, GPU_RUNS, ws.root);
    const out = join(ws.root, 'report');
    const lines: string[] = [];
    const outcome = await runReport({
      workspaceRoot: ws.root, resultsDirs: [ws.resultsDir, gpuDir], outDir: out, notebooksDir: ws.notebooksDir, readme: ws.readme,
      notebooks: { run: NOTEBOOK_RUN, execute: fakeExecutor }, log: (line) => lines.push(line),
    });
    expect(outcome.disagreements).toEqual([]);
    const page = await readFile(join(out, 'README.md'), 'utf8');
    expect(page).toContain('| backend | `fixture-cpu-2-cores` | `nvidia-h200` |');
    expect(page).toContain('| **onnxruntime-cuda** | unavailable | 12.0 s |');
    expect(page).toContain('| **tfjs-wasm** | 120 s | — |');
    expect(page).toContain('**On `nvidia-h200`**');
    expect(page).toContain('![Training time per backend](training-time.svg)');
    await expect(stat(join(ws.resultsDir, 'README.md'))).rejects.toThrow(/ENOENT/);
    const readme = await readFile(ws.readme, 'utf8');
    expect(readme).toContain('Generated by `rosetta report` from the results files in results/, gpu-box/results/');
    expect(readme).toContain('[report/README.md](report/README.md) tabulates');
    // Each notebook run links to its own directory's file.
    const notebook = await readFile(join(ws.notebooksDir, 'onnxruntime.cnn.ipynb'), 'utf8');
    expect(notebook).toContain('../gpu-box/results/nvidia-h200/onnxruntime-cuda.cnn.2ep-all.json');
    expect(notebook).toContain('../results/fixture-cpu-2-cores/onnxruntime-cpu.cnn.2ep-all.json');
    expect(lines.filter((line) => line.startsWith('results: '))).toEqual([]);
  });

  it('says on its log which directory\'s run set it kept when two hold the same one', async () => {
    const ws = await workspace(AGREEING_RUNS);
    const copy = join(ws.root, 'copy');
    await writeFixtureRuns(copy, [{ framework: 'tfjs-cpu', model: 'rnn', accuracy: 0.7, trainSeconds: 300, invocation: '2026-12-01T00:00:00.000Z' }], ws.root);
    const lines: string[] = [];
    await runReport({ workspaceRoot: ws.root, resultsDirs: [ws.resultsDir, copy], notebooksDir: ws.notebooksDir, readme: null, log: (line) => lines.push(line) });
    expect(lines[0]).toMatch(/^results: fixture-cpu-2-cores\/tfjs-cpu\.rnn\.2ep-all is in .* and .*: kept the newest invocation with an ok run, .*copy$/);
    const page = await readFile(join(ws.resultsDir, 'README.md'), 'utf8');
    expect(page).toMatch(/## RNN[^]*\| \*\*tfjs-cpu\*\* \| 300 s \|/);
  });
});

describe('runReport failures', () => {
  it('exits with the disagreeing backend named when one accuracy is off beyond the tolerance', async () => {
    const runs = AGREEING_RUNS.map((run) => (run.framework === 'tfjs-wasm' && run.model === 'cnn' ? { ...run, accuracy: 0.1 } : run));
    const ws = await workspace(runs);
    const outcome = await report(ws);
    expect(outcome.disagreements).toHaveLength(1);
    expect(outcome.disagreements[0]).toMatch(/^cnn: tfjs-wasm test accuracy 10\.00 % disagrees with onnxruntime-cpu, tfjs-cpu/);
    const page = await readFile(join(ws.resultsDir, 'README.md'), 'utf8');
    expect(page).toContain('**Accuracy check failed:**');
    expect(page).toMatch(/\| \*\*tfjs-wasm\*\* .*\| ⚠ \*\*disagrees\*\* with onnxruntime-cpu, tfjs-cpu \|/);
  });

  it('tabulates the recorded benches in the README\'s bench section, newest first, and rejects a malformed one by name', async () => {
    const readme = README_TEXT.replace('## After', '## Performance\n\n<!-- bench:start -->\nold bench\n<!-- bench:end -->\n\n## After');
    const ws = await workspace(AGREEING_RUNS, readme);
    const older = sampleBenchRecord();
    const newer = { ...sampleBenchRecord(), machine: { ...older.machine, startedAt: '2026-12-04T10:00:00.000Z' } };
    await mkdir(join(ws.resultsDir, 'bench'));
    await writeFile(join(ws.resultsDir, 'bench', 'a.json'), JSON.stringify(older));
    await writeFile(join(ws.resultsDir, 'bench', 'b.json'), JSON.stringify(newer));
    await report(ws);
    const text = await readFile(ws.readme, 'utf8');
    const section = text.slice(text.indexOf('<!-- bench:start -->'), text.indexOf('<!-- bench:end -->'));
    expect(section).not.toContain('old bench');
    // The newest tabulated, the older one linked.
    expect(section).toContain('[results/bench/b.json](results/bench/b.json), 2026-12-04 10:00 UTC');
    expect(section).not.toContain('[results/bench/a.json](results/bench/a.json), 2026-12-03');
    expect(section).toContain('Earlier records: [results/bench/a.json](results/bench/a.json) (2026-12-03).');
    expect(section.match(/\| model \| framework \|/g)).toHaveLength(1);
    expect(section).toContain('`rosetta bench --framework fast --reference pytorch --out results/bench/m.json` on AMD EPYC (2 cores, 24 GiB)');
    expect(section).toContain('load average (1 min) cnn 0.78 → 1.88.');
    expect(section).toContain('Peaks measured in the same run: native code **200 GFLOP/s** (MatMul 4096 x 4096 x 4096).');
    expect(section).toContain('| model | framework | ms/step | samples/s | GFLOP/s | % of peak | vs base (per round) | peak RSS |');
    // 23.7 GFLOP per CNN step of 64 in 600 ms: 40 GFLOP/s, a fifth of the native peak; the plugged-in framework has no peak.
    expect(section).toContain('| cnn | pytorch | 600 ms | 107 | 40 | 20 % | 1.00× | 477 MiB |');
    expect(section).toContain('| cnn | fast | 150 ms | 427 | 158 | — | **0.25×** (0.25× / 0.25×) | 477 MiB |');
    expect(section).toContain('| cnn | gpu | unavailable |');
    // The rest of the README, and the results tables, as before.
    expect(text).toContain('Hand-written text after the section.');
    await writeFile(join(ws.resultsDir, 'bench', 'c.json'), '{ "format": "rosetta-bench" }');
    await expect(report(ws)).rejects.toThrow(/results\/bench\/c\.json: not a valid bench record/);
  });

  it('rejects a malformed results file by name and writes nothing', async () => {
    const ws = await workspace(AGREEING_RUNS);
    await writeFile(join(ws.resultsDir, 'fixture-cpu-2-cores', 'tfjs-cpu.rnn.2ep-all.json'), '{ "schemaVersion": 1 }');
    const error = await report(ws).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResultFileError);
    expect((error as Error).message).toMatch(/tfjs-cpu\.rnn\.2ep-all\.json: not a valid results file: .*framework/);
    await expect(stat(join(ws.resultsDir, 'README.md'))).rejects.toThrow(/ENOENT/);
  });

  it('fails naming README.md when its markers are missing, without appending or writing anything', async () => {
    const ws = await workspace(AGREEING_RUNS, '# Rosetta\n\nNo markers here.\n');
    await expect(report(ws)).rejects.toThrow(ReadmeSectionError);
    await expect(report(ws)).rejects.toThrow(/README\.md: expected the marker <!-- results:start --> exactly once, found it 0 times/);
    expect(await readFile(ws.readme, 'utf8')).toBe('# Rosetta\n\nNo markers here.\n');
    await expect(stat(ws.notebooksDir)).rejects.toThrow(/ENOENT/);
  });

  it('fails naming the model source that lacks a step marker', async () => {
    const ws = await workspace(AGREEING_RUNS);
    const file = join(ws.root, 'packages/onnxruntime/src/rnn.ts');
    await writeFile(file, (await readFile(file, 'utf8')).replace(/  \/\/ #region predict\n[^]*?\/\/ #endregion\n/, ''));
    await expect(report(ws)).rejects.toThrow(StepMarkerError);
    await expect(report(ws)).rejects.toThrow(/packages\/onnxruntime\/src\/rnn\.ts:\d+: step "evaluate" is out of order; expected "#region predict"/);
  });

  it('fails naming a model source that does not exist', async () => {
    const ws = await workspace(AGREEING_RUNS);
    await rm(join(ws.root, 'packages/tfjs/src/cnn.ts'));
    await expect(report(ws)).rejects.toThrow(/^packages\/tfjs\/src\/cnn\.ts: cannot read the model source/);
  });
});
