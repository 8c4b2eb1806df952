/** `rosetta train`: one results file per model, through the shared harness runner. */
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { findWorkspaceRoot } from '@rosetta/data';
import { builtinFrameworkNames, DEFAULT_SEED, machineLabel, MachineLabelSchema, resolveFramework, runTraining, type Framework, type ModelName, type TrainingOptions } from '@rosetta/harness';
import { consoleLog, type ConsoleLog } from '../console-log.js';
import { integer, modelList, nameList, positiveInteger } from '../options.js';
import { PRESETS, presetHelp, presetNames, type PresetName } from '../presets.js';

interface TrainOptions {
  framework: string[];
  model: ModelName[];
  preset: PresetName;
  epochs?: number;
  trainLimit?: number;
  testLimit?: number;
  seed: number;
  repeat: number;
  out: string;
  label?: string;
  dropout: boolean;
  mirror?: string;
  cache?: string;
  skipSoftwareAdapter: boolean;
}

/** The runner's options for one run of one model: the preset, then explicit options over it. */
function trainingOptions(options: TrainOptions, framework: Framework, model: ModelName, filing: Pick<TrainingOptions, 'label' | 'run'>, log: ConsoleLog): TrainingOptions {
  const preset = PRESETS[options.preset];
  const trainLimit = options.trainLimit ?? preset.trainLimit;
  const testLimit = options.testLimit ?? preset.testLimit;
  return {
    ...filing,
    framework,
    model,
    epochs: options.epochs ?? preset.epochs(model),
    ...(trainLimit === undefined ? {} : { trainLimit }),
    ...(testLimit === undefined ? {} : { testLimit }),
    seed: options.seed,
    outDir: options.out,
    dropout: options.dropout,
    skipSoftwareAdapter: options.skipSoftwareAdapter,
    ...(options.cache === undefined ? {} : { cacheDir: options.cache }),
    ...(options.mirror === undefined ? {} : { mirror: options.mirror }),
    command: ['rosetta', ...process.argv.slice(2)].join(' '),
    log,
    statusIntervalMs: log.statusIntervalMs,
    ...(options.preset === 'quick' ? {} : { hint: 'try a short run first: --preset quick (with Nx: -c quick)' }),
  };
}

async function train(options: TrainOptions): Promise<void> {
  const frameworks: Framework[] = [];
  for (const name of options.framework) frameworks.push(await resolveFramework(name));
  const log = consoleLog();
  // Every run of this command belongs to one invocation: its repeats are kept together.
  const invocation = new Date().toISOString();
  let failed = false;
  for (const framework of frameworks) {
    const label = options.label ?? (await machineLabel(framework));
    for (const model of options.model) {
      for (let repeat = 1; repeat <= options.repeat; repeat++) {
        if (options.repeat > 1) log.info(`${framework.name} ${model}: run ${repeat} of ${options.repeat}`);
        const filing = { label, run: { invocation, repeat, repeats: options.repeat } };
        const run = await runTraining(trainingOptions(options, framework, model, filing, log));
        if (run.result.status !== 'failed') continue;
        failed = true;
        // The reason (already printed) names the file, URL or step; the stack is for debugging.
        if (process.env['ROSETTA_DEBUG'] && run.error instanceof Error) console.error(run.error.stack);
      }
    }
  }
  // An unavailable backend is a fact about this machine, not an error: it exits 0.
  if (failed) process.exitCode = 1;
}

function label(value: string): string {
  const parsed = MachineLabelSchema.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(`"${value}" is not a label: ${parsed.error.issues[0]!.message}`);
  return value;
}

export function trainCommand(): Command {
  return new Command('train')
    .description(
      'Train models on one framework and write <out>/<label>/<framework>.<model>.<size>.json (size: e.g. 10ep-all, ' +
        '10ep-subset on all of a subset, 1ep-4096). An unavailable backend writes status "unavailable" and exits 0; a failed run (e.g. NaN loss) ' +
        'writes "failed" and exits 1. A run that is not ok never replaces an ok result: it is written beside it (….failed.json).',
    )
    .requiredOption('--framework <names>', `frameworks to train on, comma-separated, one after the other: ${builtinFrameworkNames().join(', ')} (see \`rosetta frameworks\`)`, nameList)
    .requiredOption('--model <models>', 'cnn, rnn, or cnn,rnn for both', modelList)
    .addOption(new Option('--preset <name>', 'run size; see below').choices(presetNames()).default('full'))
    .option('--epochs <n>', 'epochs (default: the preset\'s; full = SPEC.md: cnn 10, rnn 3)', positiveInteger)
    .option('--train-limit <n>', 'train on the first N training samples only (default: the preset\'s; full = all)', positiveInteger)
    .option('--test-limit <n>', 'evaluate on the first N test samples only (default: all)', positiveInteger)
    .option('--seed <n>', 'seed of the data order and the shared initial weights', integer, DEFAULT_SEED)
    .option('--repeat <n>', 'train N times (same seed), keeping every run\'s results file; the report shows their score (MLPerf Training\'s rule) and spread', positiveInteger, 1)
    .addOption(new Option('--out <dir>', 'results directory; runs are filed under <out>/<label>/').default(join(findWorkspaceRoot(), 'results'), 'results/ of the workspace'))
    .option('--label <name>', 'machine label the runs are filed under (default: the GPU for a GPU framework, else the CPU model and core count)', label)
    .option('--no-dropout', 'switch dropout off (as parity runs do; masks are framework-private)')
    .option('--skip-software-adapter', 'record a WebGPU framework whose adapter is a software rasteriser (llvmpipe) as unavailable instead of training for hours on the CPU (the main job sets it)', false)
    .option('--mirror <dir|url>', 'dataset mirror holding a manifest.json (default: $ROSETTA_DATASET_MIRROR, else the canonical URLs)')
    .option('--cache <dir>', 'dataset cache directory (default: $ROSETTA_DATASETS_DIR, else datasets/ of the workspace)')
    .addHelpText('after', `\nROSETTA_DEBUG=1 prints the stack trace of a failed run.\n\nPresets (explicit --epochs/--train-limit/--test-limit win):\n${presetHelp()}\n\nOnly full batches of 64 are used; limits are rounded down to them.`)
    .action(train);
}
