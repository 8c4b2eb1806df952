/**
 * `rosetta bench`: median milliseconds per training step of any backends, side by side,
 * with the ratio to the first. Random batches of the real shapes (a step's time does not
 * depend on the values), the shared initial weights, warm-up steps left out. Speed goals
 * are checked here and in each package's `bench` target, never in the tests.
 */
import { Command } from 'commander';
import { benchTrainingStep, resolveFramework, type ModelName } from '@rosetta/harness';
import { modelList, nonNegativeInteger, positiveInteger } from '../options.js';

interface BenchCommandOptions {
  framework: string;
  model: ModelName[];
  steps: number;
  warmup: number;
  batchSize?: number;
}

function list(value: string): string[] {
  return [...new Set(value.split(',').map((item) => item.trim()).filter(Boolean))];
}

async function bench(options: BenchCommandOptions): Promise<void> {
  for (const model of options.model) {
    const medians: [string, number][] = [];
    for (const name of list(options.framework)) {
      const result = await benchTrainingStep(await resolveFramework(name), model, {
        steps: options.steps,
        warmup: options.warmup,
        ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
      });
      if (result.status === 'unavailable') {
        console.log(`${model} ${name}: unavailable (${result.reason})`);
        continue;
      }
      medians.push([name, result.msPerStepMedian]);
      console.log(
        `${model} ${name}: median ${result.msPerStepMedian.toFixed(1)} ms/step over ${result.msPerStep.length} steps, ` +
          `${result.cpuMsPerStepMedian.toFixed(1)} CPU ms/step (${result.backend})`,
      );
    }
    const [first, ...others] = medians;
    for (const [name, ms] of others) console.log(`${model} ${name} / ${first![0]}: ${(ms / first![1]).toFixed(2)}x`);
  }
}

export function benchCommand(): Command {
  return new Command('bench')
    .description(
      'Median ms per training step (random batches of the real shapes, shared initial weights, dropout on) ' +
        'of each framework, and its ratio to the first one listed.',
    )
    .requiredOption('--framework <names>', 'comma-separated frameworks, e.g. tfjs-wasm,onnxruntime-cpu')
    .option('--model <models>', 'cnn, rnn or cnn,rnn', modelList, ['cnn', 'rnn'] as ModelName[])
    .option('--steps <n>', 'timed steps', positiveInteger, 5)
    .option('--warmup <n>', 'untimed steps first (compilation, allocator growth)', nonNegativeInteger, 2)
    .option('--batch-size <n>', 'batch size [SPEC.md: 64]', positiveInteger)
    .action(bench);
}
