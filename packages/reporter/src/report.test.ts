import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { INotebookContent } from '@jupyterlab/nbformat';
import { ResultFileError } from '@rosetta/harness';
import { sampleBenchRecord } from '@rosetta/harness/testing';
import { FAMILIES } from './families.js';
import { notebookProblems } from './nbformat-schema.js';
import { joinSource } from './notebook.js';
import { ReadmeSectionError, SECTION_END, SECTION_START } from './readme-section.js';
import { runReport } from './report.js';
import { StepMarkerError, STEPS } from './steps.js';
import { AGREEING_RUNS, fixtureWorkspace, README_TEXT, writeFixtureRuns, type FixtureWorkspace, type RunFixture } from './testing/fixtures.js';

const roots: string[] = [];

async function workspace(runs: readonly RunFixture[], readme?: string): Promise<FixtureWorkspace> {
  const ws = await fixtureWorkspace(runs, readme);
  roots.push(ws.root);
  return ws;
}

function report(ws: FixtureWorkspace) {
  return runReport({ workspaceRoot: ws.root, resultsDirs: [ws.resultsDir], notebooksDir: ws.notebooksDir, readme: ws.readme });
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
    expect(notebooks).toEqual(['README.md', 'onnxruntime.cnn.ipynb', 'onnxruntime.rnn.ipynb', 'side-by-side.html', 'side-by-side.md', 'tfjs.cnn.ipynb', 'tfjs.rnn.ipynb']);
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
    expect(section).toContain('### CNN: VGG-style on CIFAR-10');
    expect(section).toContain('![Training time per backend](results/training-time.svg)');
    expect(section).toContain('| **onnxruntime-cuda**');
  });

  it('writes notebooks that validate as nbformat 4 and whose code cells are the source regions, in step order', async () => {
    const ws = await workspace(AGREEING_RUNS);
    await report(ws);
    for (const family of FAMILIES) {
      for (const model of ['cnn', 'rnn'] as const) {
        const notebook = JSON.parse(await readFile(join(ws.notebooksDir, `${family.id}.${model}.ipynb`), 'utf8')) as INotebookContent;
        expect(notebookProblems(notebook)).toEqual([]);
        expect(notebook.nbformat).toBe(4);
        expect(notebook.metadata.kernelspec?.name).toBe('deno');
        const source = await readFile(join(ws.root, family.sources[model]), 'utf8');
        const recorded = notebook.cells.filter((cell) => (cell.metadata.tags as string[] | undefined)?.includes('recorded-run'));
        const code = notebook.cells.filter((cell) => cell.cell_type === 'code' && !recorded.includes(cell));
        expect(code.map((cell) => cell.id)).toEqual(['imports', ...STEPS.map((step) => step.name.replace(/ /g, '-'))]);
        expect(code.map((cell) => cell.outputs)).toEqual(code.map(() => []));
        let from = 0;
        for (const cell of code) {
          const text = joinSource(cell.source);
          expect(text.length).toBeGreaterThan(0);
          // Verbatim, and in the order of the file.
          const at = source.indexOf(text, from);
          expect(at, `${family.id}.${model} cell ${String(cell.id)}`).toBeGreaterThanOrEqual(from);
          from = at + text.length;
        }
        // The family's recorded runs, one outputs-only cell each, after the steps; no other family's.
        const mine = AGREEING_RUNS.filter((run) => run.model === model && family.runs(run.framework)).map((run) => run.framework).sort();
        expect(recorded.map((cell) => cell.id)).toEqual(mine.map((framework) => `run-${framework}`));
        expect(notebook.cells.indexOf(recorded[0]!)).toBeGreaterThan(notebook.cells.indexOf(code.at(-1)!));
        for (const cell of recorded) {
          const framework = String(cell.id).slice('run-'.length);
          expect(joinSource(cell.source)).toMatch(new RegExp(`from \\.\\./results/fixture-cpu-2-cores/${framework}\\.${model}\\.2ep-all\\.json:`));
          expect(JSON.stringify(cell.outputs)).toContain(`Environment of ${framework}`);
        }
      }
    }
    const sideBySide = await readFile(join(ws.notebooksDir, 'side-by-side.md'), 'utf8');
    for (const family of FAMILIES) expect(sideBySide).toContain(`>${family.title}</a>`);
    expect(sideBySide.match(/<th valign="top">\d\. /g)).toHaveLength(2 * STEPS.length);
    expect(sideBySide).toContain("```ts\n  const step5 = something('onnxruntime', 'rnn', 5); // `evaluate`\n\n  console.log(step5);\n```");
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
    const outcome = await runReport({ workspaceRoot: ws.root, resultsDirs: [ws.resultsDir, gpuDir], outDir: out, notebooksDir: ws.notebooksDir, readme: ws.readme, log: (line) => lines.push(line) });
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
    expect(readme).toContain('Details: [results](report/README.md)');
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
    expect(section.indexOf('[results/bench/b.json](results/bench/b.json), 2026-12-04 10:00 UTC')).toBeLessThan(section.indexOf('[results/bench/a.json](results/bench/a.json), 2026-12-03 00:36 UTC'));
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
