/**
 * The steps every model source marks with VS Code folding regions, in
 * this order: `// #region <step>` in TypeScript, `# region <step>` in Python, each closed by
 * its `#endregion` line. The notebooks and the side-by-side page are cut from these regions,
 * so the documentation is always the code that ran.
 */
import { readFile } from 'node:fs/promises';

export const STEPS = [
  { name: 'load data', title: 'Load data' },
  { name: 'build model', title: 'Build the model' },
  { name: 'loss and optimiser', title: 'Loss and optimiser' },
  { name: 'train on mini-batches', title: 'Train on mini-batches' },
  { name: 'predict', title: 'Predict' },
  { name: 'evaluate', title: 'Evaluate' },
] as const;

export type StepName = (typeof STEPS)[number]['name'];

export interface SourceSteps {
  readonly file: string;
  /** Everything before the first region (file comment and imports), trimmed of blank edge lines. */
  readonly preamble: string;
  /** The code between each step's region and endregion lines, verbatim. */
  readonly steps: ReadonlyMap<StepName, string>;
  /** Everything after the last region (what adapts the steps to the harness), trimmed of blank edge lines. */
  readonly epilogue: string;
}

export class StepMarkerError extends Error {
  override readonly name = 'StepMarkerError';
}

const REGION = /^\s*(?:\/\/\s*#|#\s*)region\b\s*(.*?)\s*$/;
const END_REGION = /^\s*(?:\/\/\s*#|#\s*)endregion\b/;

/** Drops blank lines at both ends; the rest stays byte for byte as in the file. */
function trimBlankLines(lines: readonly string[]): string {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start]!.trim() === '') start += 1;
  while (end > start && lines[end - 1]!.trim() === '') end -= 1;
  return lines.slice(start, end).join('\n');
}

/**
 * Cuts `text` (the contents of `file`) into its steps. Every step must appear exactly once,
 * in STEPS order, not nested; anything else is an error naming the file, the line and the
 * marker, since a notebook with a missing or reordered step would mislead a reader.
 */
export function extractSteps(text: string, file: string): SourceSteps {
  const lines = text.split(/\r?\n/);
  const steps = new Map<StepName, string>();
  let open: { step: StepName; line: number } | null = null;
  let firstRegion = -1;
  let lastEnd = -1;
  let bodyStart = 0;

  lines.forEach((line, index) => {
    const at = `${file}:${index + 1}`;
    const region = REGION.exec(line);
    if (region) {
      const name = region[1]!;
      if (open) throw new StepMarkerError(`${at}: "#region ${name}" opens inside region "${open.step}" (line ${open.line}); steps do not nest`);
      const expected = STEPS[steps.size];
      if (!expected) throw new StepMarkerError(`${at}: unexpected "#region ${name}" after the last step "${STEPS.at(-1)!.name}"`);
      if (name !== expected.name) {
        const known = STEPS.some((step) => step.name === name);
        throw new StepMarkerError(
          known
            ? `${at}: step "${name}" is out of order; expected "#region ${expected.name}" next (order: ${STEPS.map((s) => s.name).join(', ')})`
            : `${at}: unknown step "#region ${name}"; expected "#region ${expected.name}" (steps: ${STEPS.map((s) => s.name).join(', ')})`,
        );
      }
      if (firstRegion < 0) firstRegion = index;
      open = { step: expected.name, line: index + 1 };
      bodyStart = index + 1;
    } else if (END_REGION.test(line)) {
      if (!open) throw new StepMarkerError(`${at}: "#endregion" without an open "#region"`);
      steps.set(open.step, trimBlankLines(lines.slice(bodyStart, index)));
      open = null;
      lastEnd = index;
    }
  });

  if (open) {
    const { step, line } = open;
    throw new StepMarkerError(`${file}:${line}: "#region ${step}" is never closed with an "#endregion" line`);
  }
  const marker = file.endsWith('.py') ? '# region' : '// #region';
  const missing = STEPS.filter((step) => !steps.has(step.name)).map((step) => `"${marker} ${step.name}"`);
  if (missing.length > 0) throw new StepMarkerError(`${file}: missing step marker ${missing.join(', ')}`);

  return { file, preamble: trimBlankLines(lines.slice(0, firstRegion)), steps, epilogue: trimBlankLines(lines.slice(lastEnd + 1)) };
}

/** Reads and cuts one model source; a missing file is named as such. */
export async function readSteps(path: string, displayName: string = path): Promise<SourceSteps> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new StepMarkerError(`${displayName}: cannot read the model source (${(error as Error).message})`);
  }
  return extractSteps(text, displayName);
}
