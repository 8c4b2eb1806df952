/**
 * The framework families whose model sources become notebooks. One family has one source
 * per model, shared by all its backends (tfjs-cpu, tfjs-wasm and tfjs-node-gpu all run
 * packages/tfjs/src/cnn.ts), so its notebook lists every one of those backends' results.
 */
import type { ModelName } from '@rosetta/harness';

export interface FrameworkFamily {
  /** Used in file names: notebooks/<id>.<model>.ipynb. */
  readonly id: string;
  readonly title: string;
  /** Model sources, relative to the workspace root. */
  readonly sources: Readonly<Record<ModelName, string>>;
  /** True when a results file's framework (e.g. "tfjs-wasm") runs this family's sources. */
  runs(framework: string): boolean;
}

function family(id: string, title: string, packageDir: string): FrameworkFamily {
  return {
    id,
    title,
    sources: { cnn: `${packageDir}/src/cnn.ts`, rnn: `${packageDir}/src/rnn.ts` },
    // Backend packages are named <family>-<backend>, e.g. onnxruntime-cuda.
    runs: (framework) => framework === id || framework.startsWith(`${id}-`),
  };
}

export const FAMILIES: readonly FrameworkFamily[] = [
  family('tfjs', 'TensorFlow.js', 'packages/tfjs'),
  family('onnxruntime', 'ONNX Runtime', 'packages/onnxruntime'),
];
