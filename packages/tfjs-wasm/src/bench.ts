/**
 * Median ms per training step (batch 64) of both models on tfjs-wasm and tfjs-cpu, and
 * their ratio: the speed figures of issue 3 (aim: tfjs-wasm at or below 1.0 s per step
 * on a 2-core machine). `rosetta bench` can call `benchTfjs` directly.
 *
 * tfjs-cpu steps take seconds (tens of seconds for the CNN, with the typed-array kernels
 * that package registers), so it gets fewer steps than tfjs-wasm.
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
  'tfjs-cpu': { cnn: { warmup: 1, steps: 3 }, rnn: { warmup: 1, steps: 3 } },
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
