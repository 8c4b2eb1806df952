/**
 * `rosetta bench`: the one whole-step bench. It times what a training run times (the shared
 * iterator's batches of a synthetic dataset of the real shapes, the runner's epoch code, the
 * backend's own steps per device call, warm-up and timed steps in whole calls), each
 * measurement in a process of its own, in rounds, optionally against a PyTorch reference,
 * with peak RSS per process and, with --profile, the framework profiler's kernels or ops.
 * Speed goals are checked here, never in the tests.
 */
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';
import { findWorkspaceRoot } from '@rosetta/data';
import { captureMachine, resolveFramework, type ModelName } from '@rosetta/harness';
import { measurementLine, modelTable } from '../bench/format.js';
import { measureInChild, measurePytorch, peakInChild, probePytorch, pytorchPeak, referenceBlasRefusal, type PythonReference } from '../bench/measure.js';
import { measurePeaks } from '../bench/peaks.js';
import { benchFailed, writeBenchRecord } from '../bench/record.js';
import { runBench, variants, type Measure } from '../bench/rounds.js';
import { integer, modelList, nameList, nonNegativeInteger, positiveInteger } from '../options.js';

interface BenchCommandOptions {
  framework: string[];
  model: ModelName[];
  steps: number;
  warmup: number;
  rounds: number;
  batchSize?: number[];
  threads?: number[];
  seed: number;
  stepsPerRun?: number[];
  reference?: 'pytorch';
  python: string;
  allowReferenceBlas: boolean;
  profile: boolean;
  top: number;
  out?: string;
}

/** "8" or "1,8": a comma-separated list of positive integers, in order, without repeats. */
export function positiveIntegerList(value: string): number[] {
  return [...new Set(value.split(',').map((item) => positiveInteger(item.trim())))];
}

/** The PyTorch reference script, kept in the repository. */
export function referenceScript(): string {
  return join(findWorkspaceRoot(), 'reference', 'pytorch', 'bench.py');
}

async function bench(options: BenchCommandOptions): Promise<void> {
  // Unknown names fail here, before minutes of measuring.
  for (const name of options.framework) await resolveFramework(name);
  // The machine as the bench starts (its load average), for the record; nvidia-smi only then.
  const machine = options.out === undefined ? null : await captureMachine(new Date());
  const reference: PythonReference = { python: options.python, script: referenceScript() };
  const measure: Measure = (variant, model, profile) => {
    const batchSize = variant.batchSize ?? options.batchSize?.[0];
    const request = {
      framework: variant.framework,
      profile,
      ...(variant.threads === undefined ? {} : { threads: variant.threads }),
      options: {
        model,
        steps: options.steps,
        warmup: options.warmup,
        seed: options.seed,
        ...(batchSize === undefined ? {} : { batchSize }),
        ...(variant.stepsPerRun === undefined ? {} : { stepsPerRun: variant.stepsPerRun }),
      },
    };
    return variant.reference ? measurePytorch(reference, request) : measureInChild(request);
  };
  // PyTorch on netlib's reference BLAS is 2-5x slower than on an optimised one: refused unless asked for, then labelled.
  let referenceNote: string | undefined;
  if (options.reference === 'pytorch') {
    const probe = await probePytorch(reference);
    if (probe !== null) {
      if (probe.blas.name === 'reference') {
        if (!options.allowReferenceBlas) throw new Error(referenceBlasRefusal(options.python, probe.blas));
        referenceNote = 'reference BLAS';
      }
      const blas = [probe.blas.name, probe.blas.version, probe.blas.kernel && `${probe.blas.kernel} kernel`, probe.blas.threads && `${probe.blas.threads} threads`].filter(Boolean).join(', ');
      console.log(`pytorch: torch ${probe.torch}; BLAS: ${blas}; oneDNN ${probe.onednn.version ?? '?'} ${probe.onednn.enabled ? 'on' : 'off'}`);
    }
  }
  const list = variants({
    frameworks: options.framework,
    ...(options.stepsPerRun === undefined ? {} : { stepsPerRun: options.stepsPerRun }),
    ...(options.reference === undefined ? {} : { reference: options.reference }),
    ...(referenceNote === undefined ? {} : { referenceNote }),
    ...(options.batchSize === undefined || options.batchSize.length < 2 ? {} : { batchSizes: options.batchSize }),
    ...(options.threads === undefined ? {} : { threads: options.threads }),
  });

  console.log(
    `bench: ${options.model.join(', ')}; ${list.map((v) => v.label).join(', ')}; ${options.rounds} round(s) of ` +
      `${options.warmup} warm-up + ${options.steps} timed steps each, in whole device calls, batch ${options.batchSize?.join(', ') ?? 'SPEC.md (64)'}, ` +
      'the shared iterator over synthetic data of the real shapes, dropout on; each measurement in its own process',
  );
  const results = await runBench({
    models: options.model,
    variants: list,
    rounds: options.rounds,
    profile: options.profile,
    measure,
    loadavg,
    onMeasurement: (model, round, variant, outcome) => console.log(measurementLine(model, round, options.rounds, variant, outcome)),
  });
  // The peaks of the instruction sets the rows that ran use, in the same run.
  const ran = list.filter((variant) => results.some((m) => m.rows.some((row) => row.status === 'ok' && row.variant === variant)));
  const peaks = await measurePeaks(
    ran,
    { framework: (name) => peakInChild(name), ...(options.reference === 'pytorch' ? { pytorch: () => pytorchPeak(reference) } : {}) },
    (line) => console.log(line),
  );
  for (const peak of peaks) {
    console.log(`peak, ${peak.arithmetic}: ${peak.gflops.toFixed(0)} GFLOP/s (${peak.what}); measured: ${peak.candidates.map((c) => `${c.gflops.toFixed(0)} (${c.what})`).join('; ')}`);
  }
  for (const result of results) for (const line of modelTable(result, options.top, peaks)) console.log(line);
  // An unavailable backend or reference is a fact about this machine; a failure is an error.
  const failed = benchFailed(results);
  if (failed) process.exitCode = 1;
  if (options.out === undefined || machine === null) return;
  if (failed) {
    console.log(`not recorded in ${options.out}: a measurement failed (an earlier record there is kept)`);
    return;
  }
  const { rounds, steps, warmup, seed } = options;
  await writeBenchRecord(options.out, {
    command: ['rosetta', ...process.argv.slice(2)].join(' '),
    machine,
    settings: {
      rounds,
      steps,
      warmup,
      batchSize: options.batchSize?.length === 1 ? options.batchSize[0]! : null,
      ...(options.batchSize !== undefined && options.batchSize.length > 1 ? { batchSizes: options.batchSize } : {}),
      ...(options.threads === undefined ? {} : { threads: options.threads }),
      seed,
    },
    models: results,
    peaks,
  });
  console.log(`recorded in ${options.out}`);
}

export function benchCommand(): Command {
  return new Command('bench')
    .description(
      'Median ms per training step of each framework, timed as a training run times it (shared iterator, ' +
        "the backend's steps per device call), each measurement in its own process, in rounds, with the ratio " +
        'to a PyTorch reference (--reference pytorch) or else to the first framework, peak RSS and, with ' +
        "--profile, the framework profiler's largest kernels or ops.",
    )
    .requiredOption('--framework <names>', 'comma-separated frameworks, e.g. tfjs-wasm,onnxruntime-cpu', nameList)
    .option('--model <models>', 'cnn, rnn or cnn,rnn', modelList, ['cnn', 'rnn'] as ModelName[])
    .option('--steps <n>', 'timed steps per round, rounded up to whole device calls', positiveInteger, 16)
    .option('--warmup <n>', 'untimed steps first, rounded up to whole device calls (compilation, allocator growth, the first calls\' fresh output buffers)', nonNegativeInteger, 16)
    .option('--rounds <n>', 'measurements of every framework, interleaved', positiveInteger, 3)
    .option('--batch-size <n,...>', 'batch size [SPEC.md: 64]; several (e.g. 32,64,128,256) bench each, for how cost grows with the work', positiveIntegerList)
    .option('--threads <n,...>', 'threads of each backend and of PyTorch (e.g. 1,2); default: one per core', positiveIntegerList)
    .option('--seed <s>', 'seed of the synthetic data, its order and the initial weights', integer, 42)
    .option('--steps-per-run <k,...>', 'bench each framework at these steps per device call (ONNX Runtime), e.g. 1,8', positiveIntegerList)
    .addOption(new Option('--reference <name>', 'time a reference implementation in the same rounds').choices(['pytorch']))
    .option('--python <path>', 'the Python of --reference pytorch', 'python3')
    .option('--allow-reference-blas', "time a PyTorch that runs on netlib's reference BLAS (refused otherwise: 2-5x slower than an optimised BLAS); its ratios are labelled", false)
    .option('--profile', "after the rounds, profile each framework with its own profiler (tf.profile, ONNX Runtime's session profiling)", false)
    .option('--top <n>', 'kernels or ops shown per profile', positiveInteger, 15)
    .option('--out <file>', 'also record the bench as JSON in <file>: the command, the machine, every row and profile (not when a measurement failed)')
    .action(bench);
}
