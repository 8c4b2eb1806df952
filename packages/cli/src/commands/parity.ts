/**
 * `rosetta parity`: N training steps on every available backend from the shared weights on
 * the same batches (dropout off), compared pair by pair against derived float32 tolerances.
 */
import { Command, Option } from 'commander';
import { loadDataset } from '@rosetta/data';
import { builtinFrameworkNames, DEFAULT_SEED, MODEL_SPECS, resolveFramework, type Framework, type ModelName } from '@rosetta/harness';
import { formatReport, runParity } from '@rosetta/parity';
import { integer, nameList, positiveInteger } from '../options.js';

interface ParityOptions {
  model: ModelName;
  steps: number;
  frameworks?: string[];
  batchSize?: number;
  trainLimit?: number;
  seed: number;
  mirror?: string;
  cache?: string;
}

async function parity(options: ParityOptions): Promise<void> {
  const frameworks: Framework[] = [];
  // By default every framework, in the catalogue's reference order: each is the `b` of its pairs with later ones.
  for (const name of options.frameworks ?? builtinFrameworkNames()) frameworks.push(await resolveFramework(name));
  if (frameworks.length < 2) throw new Error('parity compares at least two frameworks');
  const spec = MODEL_SPECS[options.model];
  const dataset = await loadDataset(spec.dataset, {
    ...(options.cache === undefined ? {} : { cacheDir: options.cache }),
    ...(options.mirror === undefined ? {} : { mirror: options.mirror }),
  });
  const report = await runParity({
    model: options.model,
    frameworks,
    split: dataset.train,
    steps: options.steps,
    batchSize: options.batchSize ?? spec.batchSize,
    seed: options.seed,
    ...(options.trainLimit === undefined ? {} : { trainLimit: options.trainLimit }),
    log: (line) => console.log(line),
  });
  console.log(`\ndata: ${dataset.info.name} from ${dataset.info.source} (sha256 ${dataset.info.sha256})`);
  console.log(formatReport(report));
  if (!report.passed) process.exitCode = 1;
}

export function parityCommand(): Command {
  return new Command('parity')
    .description(
      'Train N steps on every available backend from the shared initial weights on the same batches, dropout off, ' +
        'and compare every pair: loss per step, and per parameter tensor the updated weights and the update itself. ' +
        'Prints the tolerances (derived from float32 rounding) and exits 1 when any difference exceeds its tolerance, ' +
        'a backend fails, or fewer than two backends can run. Unavailable backends are listed and skipped.',
    )
    .addOption(new Option('--model <model>', 'model to compare').choices(['cnn', 'rnn']).makeOptionMandatory())
    .option('--steps <n>', 'training steps per backend', positiveInteger, 1)
    .option('--frameworks <list>', `comma-separated frameworks, the first is the reference (default: ${builtinFrameworkNames().join(',')})`, nameList)
    .option('--batch-size <n>', 'samples per step (default: SPEC.md\'s 64)', positiveInteger)
    .option('--train-limit <n>', 'shuffle only the first N training samples (default: all)', positiveInteger)
    .option('--seed <n>', 'seed of the shared initial weights and of the batch order', integer, DEFAULT_SEED)
    .option('--mirror <dir|url>', 'dataset mirror holding a manifest.json (default: $ROSETTA_DATASET_MIRROR, else the canonical URLs)')
    .option('--cache <dir>', 'dataset cache directory (default: $ROSETTA_DATASETS_DIR, else datasets/ of the workspace)')
    .action(parity);
}
