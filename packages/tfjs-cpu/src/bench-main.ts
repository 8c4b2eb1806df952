/**
 * `npm run bench -w packages/tfjs-cpu`: median ms per training step of both models on
 * tfjs-cpu (SPEC batch 64 by default), through the harness's benchTrainingStep, with the
 * load average before and after each (on a shared machine the wall time includes waiting
 * for a core). Options: --model cnn|rnn (default both), --steps N (3), --warmup N (1),
 * --batch N (64).
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { benchTrainingStep, type ModelName } from '@rosetta/harness';
import { framework } from './index.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string', multiple: true },
    steps: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '1' },
    batch: { type: 'string', default: '64' },
  },
});

function count(flag: 'steps' | 'warmup' | 'batch', min: number): number {
  const raw = values[flag];
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`bench: --${flag} must be an integer >= ${min}, got "${raw}"`);
  return n;
}

const models = (values.model ?? ['cnn', 'rnn']) as ModelName[];
for (const m of models) if (m !== 'cnn' && m !== 'rnn') throw new Error(`bench: --model must be cnn or rnn, got "${m}"`);
const options = { steps: count('steps', 1), warmup: count('warmup', 0), batchSize: count('batch', 1) };
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

for (const model of models) {
  const before = load();
  const r = await benchTrainingStep(framework, model, options);
  console.log(
    r.status === 'ok'
      ? `${model} tfjs-cpu batch ${options.batchSize}: median ${r.msPerStepMedian.toFixed(0)} ms/step over ${r.msPerStep.length} steps ` +
          `[${r.msPerStep.map((ms) => ms.toFixed(0)).join(', ')}] after ${options.warmup} warm-up, median CPU time ` +
          `${r.cpuMsPerStepMedian.toFixed(0)} ms/step (load average before ${before}, after ${load()})`
      : `${model} tfjs-cpu: unavailable (${r.reason})`,
  );
}
