/**
 * `npx nx run @rosetta/tfjs-wasm:bench` (or `npm run bench -w packages/tfjs-wasm`):
 * prints median ms per training step, batch 64, of both models on tfjs-wasm and tfjs-cpu
 * and the ratio, with the machine's load average and the process CPU time per step next to
 * every figure (on a shared machine the wall time includes waiting for a core). Options: --model cnn|rnn (default both), --wasm-steps N, --wasm-warmup N,
 * --cpu-steps N, --cpu-warmup N (defaults in bench.ts), --framework tfjs-wasm|tfjs-cpu
 * (default both).
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { BenchOptions, BenchResult, ModelName } from '@rosetta/harness';
import { benchTfjs, DEFAULT_STEPS, type TfjsFrameworkName } from './bench.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string', multiple: true },
    'wasm-steps': { type: 'string' },
    'wasm-warmup': { type: 'string' },
    'cpu-steps': { type: 'string' },
    'cpu-warmup': { type: 'string' },
    framework: { type: 'string', multiple: true },
  },
});

function count(flag: string, min: number): number | undefined {
  const raw = values[flag as keyof typeof values] as string | undefined;
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`bench: --${flag} must be an integer >= ${min}, got "${raw}"`);
  return n;
}

const models = (values.model ?? ['cnn', 'rnn']) as ModelName[];
const frameworks = (values.framework ?? ['tfjs-wasm', 'tfjs-cpu']) as TfjsFrameworkName[];
for (const f of frameworks) if (f !== 'tfjs-wasm' && f !== 'tfjs-cpu') throw new Error(`bench: --framework must be tfjs-wasm or tfjs-cpu, got "${f}"`);
for (const m of models) if (m !== 'cnn' && m !== 'rnn') throw new Error(`bench: --model must be cnn or rnn, got "${m}"`);

function override(prefix: 'wasm' | 'cpu'): Partial<BenchOptions> {
  const steps = count(`${prefix}-steps`, 1);
  const warmup = count(`${prefix}-warmup`, 0);
  return { ...(steps !== undefined && { steps }), ...(warmup !== undefined && { warmup }) };
}
const wasmSteps = override('wasm');
const cpuSteps = override('cpu');

const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');
const line = (r: BenchResult): string =>
  r.status === 'ok'
    ? `${r.model} ${r.framework}: median ${r.msPerStepMedian.toFixed(0)} ms/step over ${r.msPerStep.length} steps ` +
      `[${r.msPerStep.map((ms) => ms.toFixed(0)).join(', ')}], median CPU time ${r.cpuMsPerStepMedian.toFixed(0)} ms/step ` +
      `(${r.backend}; load average ${load()})`
    : `${r.model} ${r.framework}: unavailable (${r.reason})`;

console.log(`bench: batch 64, load average before ${load()}; defaults ${JSON.stringify(DEFAULT_STEPS)}`);
const rows = await benchTfjs({
  models,
  frameworks,
  steps: { 'tfjs-wasm': { cnn: wasmSteps, rnn: wasmSteps }, 'tfjs-cpu': { cnn: cpuSteps, rnn: cpuSteps } },
  onResult: (r) => console.log(line(r)),
});
for (const row of rows) {
  if (row.cpuOverWasm !== undefined) console.log(`${row.model} tfjs-cpu / tfjs-wasm: ${row.cpuOverWasm.toFixed(1)}x`);
}
