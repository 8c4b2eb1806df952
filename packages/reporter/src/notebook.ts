/**
 * One Jupyter notebook (nbformat 4.5) per framework family and model, made to be executed:
 * the model source cut at its step markers, each step's code verbatim in a cell of its own,
 * then the cells that run it (notebook-driver.ts): load the real data, build the model from
 * the shared initial weights, train a short run, predict, evaluate. `rosetta report` executes
 * it (notebook-execute.ts), so every output is what executing it printed. At the end, every
 * full-length run `rosetta train` recorded for the family's backends, as Markdown labelled as
 * recorded, with its results file.
 *
 * Kernels: tslab for TypeScript (on Node.js, so the backends start as the CLI starts them;
 * Deno's kernel cannot start this project's threaded WebAssembly) and ipykernel for Python.
 */
import type { ICell, INotebookContent } from '@jupyterlab/nbformat';
import ts from 'typescript';
import type { ModelName } from '@rosetta/harness';
import type { FrameworkFamily } from './families.js';
import { codeCell, markdownCell } from './notebook-cells.js';
import { driverCells, type NotebookRun } from './notebook-driver.js';
import { recordedRunsMarkdown, type RecordedRun } from './notebook-run.js';
import { STEPS, type SourceSteps } from './steps.js';

export { joinSource, lines } from './notebook-cells.js';

const TYPESCRIPT_METADATA = {
  kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' },
  language_info: { name: 'typescript', file_extension: '.ts', mimetype: 'text/typescript', codemirror_mode: 'typescript' },
} as const;

const PYTHON_METADATA = {
  kernelspec: { name: 'python3', display_name: 'Python 3 (ipykernel)', language: 'python' },
  language_info: { name: 'python', file_extension: '.py', mimetype: 'text/x-python', codemirror_mode: { name: 'ipython', version: 3 } },
} as const;

export interface NotebookInput {
  readonly family: FrameworkFamily;
  readonly model: ModelName;
  readonly modelTitle: string;
  readonly source: SourceSteps;
  /** The short run executing the notebook makes. */
  readonly run: NotebookRun;
  /** This family's results for this model, with the file each came from (relative to the notebook). */
  readonly runs: readonly RecordedRun[];
  /** Links from the notebook's folder: to the source file and to the side-by-side page. */
  readonly sourceLink: string;
  readonly sideBySideLink: string;
}

/**
 * `{ trainStep }` written out as `{ trainStep: trainStep }`: tslab 1.0.22 rewrites a name
 * declared in an earlier cell into a read of that cell's exports, but misses it in a
 * shorthand property, which then throws a ReferenceError.
 */
function expandShorthandProperties(code: string): string {
  const file = ts.createSourceFile('cell.ts', code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const ends: { at: number; name: string }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isShorthandPropertyAssignment(node)) ends.push({ at: node.name.getEnd(), name: node.name.text });
    ts.forEachChild(node, visit);
  };
  visit(file);
  let out = code;
  for (const { at, name } of ends.sort((a, b) => b.at - a.at)) out = `${out.slice(0, at)}: ${name}${out.slice(at)}`;
  return out;
}

/**
 * A TypeScript source's code as tslab runs it: its relative imports (`./layout.js`) name its
 * package instead, whose entry point exports the same names; its top-level declarations lose
 * `export`, which tslab adds itself (a cell that exports twice fails); shorthand properties
 * are written out (above).
 */
export function notebookCode(family: FrameworkFamily, code: string): string {
  if (family.language !== 'typescript') return code;
  const imports = code.replace(/(from\s+)(['"])\.\/[^'"]+\2/g, `$1$2${family.packageName}$2`);
  return expandShorthandProperties(imports.replace(/^export (?=(?:async )?function |const |let |class |interface |type |enum )/gm, ''));
}

const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-');

export function buildNotebook(input: NotebookInput): INotebookContent {
  const { family, model, modelTitle, source, run, sourceLink, sideBySideLink } = input;
  const driver = driverCells(family, model, run);
  const cells: ICell[] = [
    markdownCell(
      'title',
      `# ${family.title} — ${modelTitle}\n\n` +
        `The code cells under *The model, step by step* are [\`${source.file}\`](${sourceLink}), cut at its step markers, verbatim` +
        `${family.language === 'typescript' ? ' but for what the kernel, tslab, needs: relative imports name the package, declarations are not exported, and shorthand properties are written out' : ''}. ` +
        `The cells under *Run* use them: they load the real data, ` +
        `build the model from the shared initial weights and train a short run, ${run.epochs} epoch(s) on the first ` +
        `${run.trainLimit} training samples, then predict and evaluate on the first ${run.testLimit} test samples. ` +
        `\`rosetta report\` generated this notebook and executed it top to bottom; every output is from that execution. ` +
        `The same steps in the other frameworks: [side by side](${sideBySideLink}).`,
    ),
  ];
  if (family.language === 'python') {
    const folder = sourceLink.slice(0, sourceLink.lastIndexOf('/'));
    cells.push(codeCell('path', `import sys\n\n# The PyTorch model files' folder.\nsys.path.insert(0, '${folder}')`));
  }
  cells.push(markdownCell('imports-title', '## File comment and imports'), codeCell('imports', notebookCode(family, source.preamble)));
  cells.push(markdownCell('steps-title', '## The model, step by step'));
  STEPS.forEach((step, index) => {
    const id = slug(step.name);
    cells.push(markdownCell(`${id}-title`, `### ${index + 1}. ${step.title}`), codeCell(id, notebookCode(family, source.steps.get(step.name)!)));
  });
  if (source.epilogue !== '') {
    cells.push(
      markdownCell('adapter-title', `### The rest of the file\n\nWhat the command line trains: the steps above, put together.`),
      codeCell('adapter', notebookCode(family, source.epilogue)),
    );
  }
  cells.push(markdownCell('run-title', '## Run'), codeCell('setup', driver.setup));
  for (const { step, code } of driver.run) {
    const index = STEPS.findIndex(({ name }) => name === step);
    cells.push(markdownCell(`run-${slug(step)}-title`, `### ${index + 1}. ${STEPS[index]!.title}`), codeCell(`run-${slug(step)}`, code));
  }
  cells.push(markdownCell('recorded-runs', recordedRunsMarkdown(family, model, input.runs)));
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      ...(family.language === 'python' ? PYTHON_METADATA : TYPESCRIPT_METADATA),
      rosetta: { generatedBy: 'rosetta report', source: source.file, family: family.id, model, run: { ...run } },
    },
    cells,
  };
}
