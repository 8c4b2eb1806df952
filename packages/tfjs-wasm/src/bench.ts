/**
 * Median ms per training step (batch 64) of both models on tfjs-wasm and tfjs-cpu, and
 * their ratio: the speed figures of issue 3 (aim: tfjs-wasm at or below 1.0 s per step
 * on a 2-core machine). `rosetta bench` can call `benchTfjs` directly.
 *
 * The cpu backend's stock kernels make each of its steps take minutes at batch 64 (the
 * CNN's Conv2DBackpropFilter loops over every tap, batch and pixel through generic
 * accessors; the GRU's UnsortedSegmentSum makes one masked pass over the whole gradient
 * per vocabulary entry, 30,000 of them), so its default is a single step without warm-up:
 * plain JavaScript has no compilation or operator cache worth warming, and each extra
 * step costs many minutes of machine time.
 */
import { benchTrainingStep, resolveFramework, type BenchOptions, type BenchResult, type Framework, type ModelName } from '@rosetta/harness';
import { framework as wasmFramework } from './framework.js';

export type TfjsFrameworkName = 'tfjs-wasm' | 'tfjs-cpu';

export interface TfjsBenchOptions {
  readonly models?: readonly ModelName[];
  /** Default: both. */
  readonly frameworks?: readonly TfjsFrameworkName[];
  /** Overrides DEFAULT_STEPS per framework and model. */
  readonly steps?: Partial<Record<TfjsFrameworkName, Partial<Record<ModelName, Partial<BenchOptions>>>>>;
  /** Called with each result as soon as it is known (benches take minutes). */
  readonly onResult?: (result: BenchResult) => void;
}

export interface TfjsBenchRow {
  readonly model: ModelName;
  readonly results: readonly BenchResult[];
  /** tfjs-cpu median / tfjs-wasm median, when both ran. */
  readonly cpuOverWasm?: number;
}

export const DEFAULT_STEPS: Record<TfjsFrameworkName, Record<ModelName, BenchOptions>> = {
  'tfjs-wasm': { cnn: { warmup: 2, steps: 7 }, rnn: { warmup: 2, steps: 7 } },
  'tfjs-cpu': { cnn: { warmup: 0, steps: 1 }, rnn: { warmup: 0, steps: 1 } },
};

export async function benchTfjs(options: TfjsBenchOptions = {}): Promise<TfjsBenchRow[]> {
  const names = options.frameworks ?? (['tfjs-wasm', 'tfjs-cpu'] as const);
  const frameworks = new Map<TfjsFrameworkName, Framework>();
  for (const name of names) frameworks.set(name, name === 'tfjs-wasm' ? wasmFramework : await resolveFramework(name));
  const rows: TfjsBenchRow[] = [];
  for (const model of options.models ?? (['cnn', 'rnn'] as const)) {
    const medians = new Map<string, number>();
    const results: BenchResult[] = [];
    for (const [name, framework] of frameworks) {
      const steps = { ...DEFAULT_STEPS[name][model], ...options.steps?.[name]?.[model] };
      const result = await benchTrainingStep(framework, model, steps);
      options.onResult?.(result);
      results.push(result);
      if (result.status === 'ok') medians.set(name, result.msPerStepMedian);
    }
    const [cpu, wasm] = [medians.get('tfjs-cpu'), medians.get('tfjs-wasm')];
    rows.push({ model, results, ...(cpu !== undefined && wasm !== undefined && { cpuOverWasm: cpu / wasm }) });
  }
  return rows;
}
