/**
 * Every notebook executed as `rosetta report` executes it, on a small slice of the real
 * datasets: generated from the model sources, run top to bottom by nbclient in tslab's
 * TypeScript kernel (from this workspace's node_modules) and in ipykernel for PyTorch, and
 * checked cell by cell. A cell that raises fails the report, and this test, by name.
 *
 * The notebooks are written to a folder beside notebooks/ (same depth, so their relative
 * paths hold), not over the committed ones.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ICodeCell, INotebookContent, IStream } from '@jupyterlab/nbformat';
import { sharedDatasetsDir } from '@rosetta/data/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const main = join(root, 'packages/cli/dist/main.js');
const PYTHON = '/usr/bin/python3';
const NOTEBOOKS = ['tfjs.cnn', 'tfjs.rnn', 'onnxruntime.cnn', 'onnxruntime.rnn', 'pytorch.cnn', 'pytorch.rnn'];

let dir: string;
let report: { code: number; stdout: string; stderr: string };

beforeAll(async () => {
  if (!existsSync(main)) throw new Error(`${main} is missing: build first (npm run build)`);
  dir = await mkdtemp(join(root, '.notebooks-test-'));
  const env = { ...process.env, ROSETTA_DATASET_MIRROR: sharedDatasetsDir() };
  report = await new Promise((resolve) => {
    execFile(
      process.execPath,
      [main, 'report', '--notebooks', dir, '--out', join(dir, 'results'), '--no-readme', '--python', PYTHON, '--notebook-train-limit', '128', '--notebook-test-limit', '128'],
      { env, cwd: root, maxBuffer: 64 * 2 ** 20 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}, 1_200_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const text = (cell: ICodeCell) => cell.outputs.filter((o): o is IStream => o.output_type === 'stream').map((o) => (Array.isArray(o.text) ? o.text.join('') : o.text)).join('');

describe('rosetta report executes every notebook', () => {
  it('runs without a cell error', () => {
    expect(report.code, report.stdout + report.stderr).toBe(0);
  });

  it.each(NOTEBOOKS)('%s: every code cell executed, and the run trained and evaluated', async (name) => {
    const notebook = JSON.parse(await readFile(join(dir, `${name}.ipynb`), 'utf8')) as INotebookContent;
    const code = notebook.cells.filter((cell): cell is ICodeCell => cell.cell_type === 'code');
    for (const cell of code) {
      expect(cell.metadata['execution'], `${name} cell ${String(cell.id)}`).toHaveProperty('shell.execute_reply');
      expect(cell.outputs.filter((o) => o.output_type === 'error'), `${name} cell ${String(cell.id)}`).toEqual([]);
    }
    const output = (id: string) => text(code.find((cell) => cell.id === id)!);
    expect(output('run-load-data')).toMatch(/training and \d+ test samples; a batch: x \[64,/);
    const initial = Number(/loss of the initial weights on the first test batch: ([\d.]+)/.exec(output('run-build-model'))?.[1]);
    // Ten or two classes, untrained: near log(classes).
    expect(Math.abs(initial - Math.log(name.endsWith('cnn') ? 10 : 2))).toBeLessThan(0.5);
    expect(output('run-train-on-mini-batches')).toMatch(/^epoch 1\/1: .*mean loss \d+\.\d{4}/m);
    expect(output('run-train-on-mini-batches')).toMatch(/step 2 loss \d/);
    expect(output('run-evaluate')).toMatch(/test accuracy \d+\.\d\d % on 128 samples/);
  });

  // PyTorch's GRU is the reset-after variant (rnn.py's DEVIATIONS): another function of the same weights.
  it.each([
    ['CNN', ['tfjs.cnn', 'onnxruntime.cnn', 'pytorch.cnn']],
    ['GRU', ['tfjs.rnn', 'onnxruntime.rnn']],
  ])('the untrained %s gives the same loss in %j: the same model from the same weights', async (_model, names) => {
    const losses = await Promise.all(names.map(async (name) => {
      const notebook = JSON.parse(await readFile(join(dir, `${name}.ipynb`), 'utf8')) as INotebookContent;
      const cell = notebook.cells.find((c) => c.id === 'run-build-model') as ICodeCell;
      return Number(/loss of the initial weights on the first test batch: ([\d.]+)/.exec(text(cell))![1]);
    }));
    // Printed with 6 decimals; float32 forward passes agree far closer than 1e-5.
    expect(Math.max(...losses) - Math.min(...losses)).toBeLessThanOrEqual(2e-6);
  });
});
