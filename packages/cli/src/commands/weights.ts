/** `rosetta weights`: writes the shared initial weights as a safetensors file anyone can load. */
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { DEFAULT_SEED, initialWeights, saveWeights, type ModelName } from '@rosetta/harness';
import { integer } from '../options.js';

interface WeightsOptions {
  model: ModelName;
  seed: number;
  out: string;
}

async function weights(options: WeightsOptions): Promise<void> {
  const file = resolve(options.out);
  const sha256 = await saveWeights(file, options.model, initialWeights(options.model, options.seed));
  console.log(`wrote ${file}: initial ${options.model} weights, seed ${options.seed}, canonical layout, float32`);
  console.log(`sha256 ${sha256} (the "weights.sha256" of every results file trained from them)`);
  console.log(`Python: from safetensors.numpy import load_file; w = load_file(${JSON.stringify(file)})`);
}

export function weightsCommand(): Command {
  return new Command('weights')
    .description(
      'Write the shared seeded initial weights every backend starts from, as a safetensors file (float32, ' +
        'canonical layout: conv OIHW, dense [in, out], GRU gates z, r, h; see packages/harness/src/weights.ts).',
    )
    .addOption(new Option('--model <model>', 'model').choices(['cnn', 'rnn']).makeOptionMandatory())
    .option('--seed <n>', 'seed of the shared initialiser', integer, DEFAULT_SEED)
    .requiredOption('--out <file>', 'file to write (atomically), e.g. cnn-42.safetensors')
    .action(weights);
}
