import { describe, expect, it } from 'vitest';
import { FAMILIES } from './families.js';
import { notebookProblems } from './nbformat-schema.js';
import { buildNotebook, joinSource, notebookCode } from './notebook.js';
import { extractSteps } from './steps.js';
import { fixtureResult, fixtureSource } from './testing/fixtures.js';

const [tfjs, onnxruntime, pytorch] = FAMILIES as [(typeof FAMILIES)[number], (typeof FAMILIES)[number], (typeof FAMILIES)[number]];
const RUN = { seed: 42, epochs: 1, trainLimit: 256, testLimit: 128 };

function notebook(family: (typeof FAMILIES)[number], frameworks: readonly string[] = []) {
  const text = fixtureSource(family.id, 'rnn').replace("from '@rosetta/", "from './layout.js';\nimport { other } from '@rosetta/");
  return buildNotebook({
    family,
    model: 'rnn',
    modelTitle: 'RNN: GRU on IMDB',
    source: extractSteps(text, family.sources.rnn),
    run: RUN,
    runs: frameworks.map((framework, i) => ({ result: fixtureResult({ framework, model: 'rnn' }), file: `../results/${i}/${framework}.rnn.json` })),
    sourceLink: `../${family.sources.rnn}`,
    sideBySideLink: 'side-by-side.md',
  });
}

const cell = (nb: ReturnType<typeof notebook>, id: string) => joinSource(nb.cells.find((c) => c.id === id)!.source);

describe('buildNotebook', () => {
  it('is valid nbformat 4.5, unexecuted, in the kernel of its language', () => {
    for (const family of FAMILIES) {
      const nb = notebook(family, ['tfjs-wasm']);
      expect(notebookProblems(nb)).toEqual([]);
      expect(nb.cells.filter((c) => c.cell_type === 'code').every((c) => c.execution_count === null && (c.outputs as unknown[]).length === 0)).toBe(true);
      expect(nb.metadata.kernelspec?.name).toBe(family === pytorch ? 'python3' : 'tslab');
    }
  });

  it('imports from the package where the source imports its own files', () => {
    expect(cell(notebook(tfjs), 'imports')).toContain("import { something } from '@rosetta/tfjs';");
    expect(cell(notebook(onnxruntime), 'imports')).not.toContain("'./layout.js'");
    // Python has no package to name: its cells put the model files' folder on the path first.
    expect(cell(notebook(pytorch), 'path')).toContain("sys.path.insert(0, '../reference/pytorch')");
  });

  it('runs the stated short run with the family\'s backend, from the shared weights', () => {
    const tf = notebook(tfjs);
    expect(cell(tf, 'setup')).toContain("const run = { model: 'rnn', seed: 42, epochs: 1, trainLimit: 256, testLimit: 128 } as const;");
    expect(cell(tf, 'setup')).toContain("import { framework } from '@rosetta/tfjs-wasm';");
    expect(cell(notebook(onnxruntime), 'setup')).toContain('const provider = cpuProvider();');
    expect(cell(tf, 'run-build-model')).toContain('initialWeights(run.model, run.seed)');
    expect(cell(tf, 'run-train-on-mini-batches')).toContain('await model.trainEpoch(trainBatches(epoch - 1)');
    expect(cell(notebook(pytorch), 'run-build-model')).toContain('"rosetta", "weights"');
    expect(joinSource(tf.cells[0]!.source)).toContain('1 epoch(s) on the first 256 training samples');
  });

  it('ends with the recorded runs as Markdown', () => {
    const nb = notebook(tfjs, ['tfjs-wasm']);
    expect(nb.cells.at(-1)!.cell_type).toBe('markdown');
    expect(joinSource(nb.cells.at(-1)!.source)).toContain('(../results/0/tfjs-wasm.rnn.json)');
  });

  it('gives tslab the TypeScript it can run, and Python verbatim', () => {
    const code = [
      "import { TfjsModel } from './model.js';",
      'export async function trainEpoch(model: M, batches: B): Promise<void> {}',
      'export const loss = sparseSoftmaxCrossEntropy;',
      'const parts = { model, steps: { trainStep, predict }, backendName: name };',
    ].join('\n');
    expect(notebookCode(tfjs, code).split('\n')).toEqual([
      "import { TfjsModel } from '@rosetta/tfjs';",
      'async function trainEpoch(model: M, batches: B): Promise<void> {}',
      'const loss = sparseSoftmaxCrossEntropy;',
      'const parts = { model: model, steps: { trainStep: trainStep, predict: predict }, backendName: name };',
    ]);
    const python = 'from common import CNN_SPEC\nexport = {"a": 1}';
    expect(notebookCode(pytorch, python)).toBe(python);
  });
});
