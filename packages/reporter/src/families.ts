/**
 * The framework families whose model sources become notebooks and columns of the side-by-side
 * page. One family has one source per model, shared by all its backends (tfjs-cpu, tfjs-wasm
 * and tfjs-node-gpu all run packages/tfjs/src/cnn.ts), so its notebook lists every one of
 * those backends' results. PyTorch is the bench's reference: its model files are read and
 * executed like the others, and `rosetta train` records no runs of it.
 */
import { FAMILIES as CATALOGUE_FAMILIES, familyOf, type ModelName } from '@rosetta/harness';

export type Language = 'typescript' | 'python';

export interface FrameworkFamily {
  /** Used in file names: notebooks/<id>.<model>.ipynb. */
  readonly id: string;
  readonly title: string;
  readonly language: Language;
  /** Model sources, relative to the workspace root. */
  readonly sources: Readonly<Record<ModelName, string>>;
  /**
   * The package a TypeScript model source belongs to: in a notebook, its relative imports
   * (`./layout.js`) come from the package's entry point instead.
   */
  readonly packageName?: string;
  /** True when a results file's framework (e.g. "tfjs-wasm") runs this family's sources. */
  runs(framework: string): boolean;
}

/** The catalogue's families (packages/harness/frameworks.json), whose backends `rosetta train` runs, then PyTorch. */
export const FAMILIES: readonly FrameworkFamily[] = [
  ...CATALOGUE_FAMILIES.map(({ id, title, package: packageName, directory }): FrameworkFamily => ({
    id,
    title,
    language: 'typescript',
    sources: { cnn: `${directory}/src/cnn.ts`, rnn: `${directory}/src/rnn.ts` },
    packageName,
    runs: (framework) => familyOf(framework)?.id === id,
  })),
  {
    id: 'pytorch',
    title: 'PyTorch',
    language: 'python',
    sources: { cnn: 'reference/pytorch/cnn.py', rnn: 'reference/pytorch/rnn.py' },
    runs: (framework) => framework === 'pytorch',
  },
];
