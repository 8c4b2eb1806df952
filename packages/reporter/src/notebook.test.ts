import { describe, expect, it } from 'vitest';
import { FAMILIES } from './families.js';
import { notebookProblems } from './nbformat-schema.js';
import { buildNotebook, joinSource } from './notebook.js';
import { extractSteps } from './steps.js';
import { fixtureResult, fixtureSource } from './testing/fixtures.js';

const tfjs = FAMILIES.find((family) => family.id === 'tfjs')!;

function notebook(frameworks: readonly string[], labels: readonly string[] = []) {
  return buildNotebook({
    family: tfjs,
    model: 'rnn',
    modelTitle: 'RNN: GRU on IMDB',
    source: extractSteps(fixtureSource('tfjs', 'rnn'), 'packages/tfjs/src/rnn.ts'),
    runs: frameworks.map((framework, i) => ({
      result: fixtureResult({ framework, model: 'rnn', status: framework.endsWith('gpu') ? 'unavailable' : 'ok', ...(labels[i] ? { label: labels[i] } : {}) }),
      file: `../results/${i}/${framework}.rnn.json`,
    })),
    sourceLink: '../packages/tfjs/src/rnn.ts',
    sideBySideLink: 'side-by-side.md',
  });
}

describe('buildNotebook', () => {
  it('ends with every backend\'s recorded run, listed first, and validates as nbformat 4.5', () => {
    const nb = notebook(['tfjs-wasm', 'tfjs-node-gpu', 'tfjs-cpu']);
    expect(notebookProblems(nb)).toEqual([]);
    const intro = nb.cells.find((cell) => cell.id === 'recorded-runs')!;
    expect(joinSource(intro.source)).toContain('The code above ran on 3 TensorFlow.js backends: `tfjs-cpu`, `tfjs-node-gpu`, `tfjs-wasm`.');
    expect(joinSource(intro.source)).toMatch(/\| \*\*tfjs-node-gpu\*\* \| fixture-cpu-2-cores \| \*\*unavailable\*\*: tfjs-node-gpu: libcudart/);
    const after = nb.cells.slice(nb.cells.indexOf(intro) + 1);
    expect(after.map((cell) => cell.id)).toEqual(['run-tfjs-cpu-title', 'run-tfjs-cpu', 'run-tfjs-node-gpu-title', 'run-tfjs-node-gpu', 'run-tfjs-wasm-title', 'run-tfjs-wasm']);
  });

  it('gives two runs of one backend (two machines) distinct cell ids', () => {
    const nb = notebook(['tfjs-wasm', 'tfjs-wasm'], ['amd-epyc-2-cores', 'nvidia-h200']);
    expect(joinSource(nb.cells.find((cell) => cell.id === 'recorded-runs')!.source)).toContain('ran on one TensorFlow.js backend, `tfjs-wasm`, on 2 machines.');
    expect(notebookProblems(nb)).toEqual([]);
    const ids = nb.cells.map((cell) => cell.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain('run-tfjs-wasm-2');
  });

  it('says where runs will come from when there is none', () => {
    const nb = notebook([]);
    expect(notebookProblems(nb)).toEqual([]);
    expect(joinSource(nb.cells.at(-1)!.source)).toContain('None yet: `rosetta train --framework <tfjs backend> --model rnn` records one');
  });
});
