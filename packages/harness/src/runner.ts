/**
 * The one training runner every backend goes through, so that the numbers of different
 * frameworks differ only by the framework: same data, same batches, same initial weights,
 * same timer boundaries (SPEC.md "What the training time includes"), same evaluation, and
 * the same inference timing after it, outside the training timer (inference.ts).
 */
import { batchCount, batches, loadDataset, locateDataset, type Batch, type DatasetSource } from '@rosetta/data';
import { captureEnvironment, unloadedBackend } from './environment.js';
import { trainOneEpoch } from './epoch.js';
import { BackendUnavailableError, type Backend, type BackendInfo, type Framework, type TrainableModel } from './framework.js';
import { inferenceLine, measureInference } from './inference.js';
import { accuracyLine, epochLine, formatCount, formatDuration, formatStepTime, silentLog, TrainingProgress, type Log } from './progress.js';
import { RESULTS_SCHEMA_VERSION, type Result, type RunRecord } from './results.js';
import { configurationTag, keptFileName, previousOkResult, recordRun } from './results-store.js';
import { MODEL_SPECS, type ModelName } from './spec.js';
import { median, StepClock, summarizeTimes } from './timing.js';
import { initialWeights, weightsSha256 } from './weights.js';

/** The seed of the shared iterator and initialiser when none is given. */
export const DEFAULT_SEED = 42;

export interface TrainingOptions {
  readonly framework: Framework;
  readonly model: ModelName;
  readonly epochs: number;
  /** Use only the first N training / test samples (before shuffling); full batches only. */
  readonly trainLimit?: number;
  readonly testLimit?: number;
  readonly seed: number;
  /** Results directory; the run is filed under `<outDir>/<label>/` (results-store.ts). */
  readonly outDir: string;
  /** The machine or device the run is filed under (results-store.ts, defaultMachineLabel). */
  readonly label: string;
  /** Which invocation and repeat this run is (the runner adds the configuration tag). */
  readonly run: Omit<RunRecord, 'configuration'>;
  /** False for step-by-step comparisons: dropout masks are framework-private. */
  readonly dropout: boolean;
  /**
   * A backend whose WebGPU adapter is a software rasteriser (llvmpipe) is recorded as
   * unavailable instead of trained: the main job sets it, where such a run would take hours of
   * CPU for a time that means nothing. Default false: a run asked for by name trains.
   */
  readonly skipSoftwareAdapter?: boolean;
  /** Dataset cache directory and mirror, passed to the data package. */
  readonly cacheDir?: string;
  readonly mirror?: string;
  /** The command line recorded in the result. */
  readonly command: string;
  readonly log?: Log;
  /** Appended to long estimates (the CLI suggests its quick preset). */
  readonly hint?: string;
  readonly statusIntervalMs?: number;
}

export interface TrainingRun {
  readonly result: Result;
  /** The results file written. */
  readonly file: string;
  /** For a run that is not ok: the earlier ok result it was written beside, untouched. */
  readonly kept?: string;
  /** What ended a run that is not `ok`. */
  readonly error?: unknown;
}

function runConfigurationTag(options: TrainingOptions, subset: boolean): string {
  return configurationTag({
    epochs: options.epochs,
    ...(options.trainLimit === undefined ? {} : { trainLimit: options.trainLimit }),
    ...(options.testLimit === undefined ? {} : { testLimit: options.testLimit }),
    dropout: options.dropout,
    seed: options.seed,
    subset,
  }, DEFAULT_SEED);
}

/**
 * Whether the run's dataset file is a subset (the mirror's manifest says so), known before the
 * backend loads, so that an unavailable run is filed beside the ok ones of the same data. A
 * source that cannot be read counts as the full data here; the run then fails naming it.
 */
async function datasetIsSubset(options: TrainingOptions): Promise<boolean> {
  try {
    const file = await locateDataset(MODEL_SPECS[options.model].dataset, {
      ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }),
      ...(options.mirror === undefined ? {} : { mirror: options.mirror }),
    });
    return file.entry.subset === true;
  } catch {
    return false;
  }
}

/** Matches by name too: a plugin may carry its own copy of the harness module. */
function isUnavailable(error: unknown): boolean {
  return error instanceof Error && error.name === 'BackendUnavailableError';
}

/** Everything learned so far, so that a run that stops early still says how far it got. */
interface RunState {
  info?: BackendInfo;
  dataset?: DatasetSource;
  weights?: { source: string; sha256: string };
  trainSamples: number;
  testSamples: number;
  epochSeconds: number[];
  epochLoss: number[];
  trainingStarted: boolean;
}

/** The share of a batch the adapter's `evaluate` got right, checked to be one. */
async function evaluateBatch(model: TrainableModel, batch: Batch, framework: string): Promise<number> {
  const accuracy = await model.evaluate(batch);
  if (!(accuracy >= 0 && accuracy <= 1)) {
    throw new Error(`${framework}: evaluate returned ${accuracy} for test batch ${batch.index}, not an accuracy in [0, 1]`);
  }
  return accuracy;
}

async function train(options: TrainingOptions, subset: boolean, state: RunState, log: Log, startedAt: Date): Promise<Result> {
  const { framework, model: modelName, epochs, seed } = options;
  const spec = MODEL_SPECS[modelName];
  const batchSize = spec.batchSize;

  // The backend first: an unavailable one then costs no dataset download.
  const backend: Backend = await framework.load();
  state.info = backend.info;
  if (options.skipSoftwareAdapter && backend.info.adapter?.software) {
    await backend.dispose?.();
    throw new BackendUnavailableError(
      `${framework.name}: the only WebGPU adapter here is a software rasteriser (${backend.info.device}), which would take hours ` +
        `for timings that mean nothing; \`npx rosetta train --framework ${framework.name}\` trains on it anyway (for correctness)`,
    );
  }
  let model: TrainableModel | undefined;
  try {
    const dataset = await loadDataset(spec.dataset, {
      ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }),
      ...(options.mirror === undefined ? {} : { mirror: options.mirror }),
    });
    state.dataset = dataset.info;
    const { layout, labels } = backend.input;
    const stepsPerEpoch = batchCount(dataset.train, { batchSize, limit: options.trainLimit });
    const testBatches = batchCount(dataset.test, { batchSize, limit: options.testLimit });
    if (stepsPerEpoch === 0 || testBatches === 0) {
      throw new Error(`train and test sets need at least one full batch of ${batchSize} (train limit ${options.trainLimit ?? 'none'}, test limit ${options.testLimit ?? 'none'})`);
    }
    state.trainSamples = stepsPerEpoch * batchSize;
    state.testSamples = testBatches * batchSize;

    const totalSteps = epochs * stepsPerEpoch;
    log.info(
      `${framework.name} ${modelName} on ${backend.info.backend} (${backend.info.device}): ${epochs} epoch(s) x ` +
        `${formatCount(stepsPerEpoch)} steps of ${batchSize} = ${formatCount(totalSteps)} steps, ` +
        `${formatCount(state.trainSamples)} training samples per epoch, ${formatCount(state.testSamples)} test samples` +
        `${options.dropout ? '' : ', dropout off'}`,
    );

    const weights = initialWeights(modelName, seed);
    state.weights = { source: `shared initialiser, initialWeights("${modelName}", ${seed})`, sha256: weightsSha256(modelName, weights) };
    model = await backend.createModel({ model: modelName, weights, seed, dropout: options.dropout });

    const progress = new TrainingProgress({
      epochs,
      stepsPerEpoch,
      log,
      ...(options.hint === undefined ? {} : { hint: options.hint }),
      ...(options.statusIntervalMs === undefined ? {} : { statusIntervalMs: options.statusIntervalMs }),
    });
    const run = { framework: framework.name, model: modelName, configuration: runConfigurationTag(options, subset) };
    const previous = await previousOkResult(options.outDir, options.label, run);
    if (previous?.msPerStepMedian != null) progress.previousRun(previous.msPerStepMedian, `${options.label}/${keptFileName(run)}`);

    // Everything from here to the end of the last epoch is inside the timer (SPEC.md):
    // the per-epoch shuffle and batch assembly happen as the iterator is consumed.
    state.trainingStarted = true;
    const clock = new StepClock();
    const trainStart = performance.now();
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const epochStart = performance.now();
      const firstStep = clock.stepMilliseconds.length;
      clock.restart();
      const { steps, lossSum } = await trainOneEpoch(model, {
        framework: framework.name,
        split: dataset.train,
        input: backend.input,
        batchSize,
        seed,
        epoch,
        limit: options.trainLimit,
        onReport: (losses) => {
          clock.lap(losses.length);
          progress.steps(epoch, clock.stepMilliseconds);
        },
      });
      const seconds = (performance.now() - epochStart) / 1000;
      state.epochSeconds.push(seconds);
      state.epochLoss.push(lossSum / steps);
      const epochSteps = clock.stepMilliseconds.slice(firstStep);
      log.info(epochLine({ epoch, epochs, seconds, meanLoss: lossSum / steps, msPerStepMedian: median(epochSteps), samples: state.trainSamples }));
    }
    const times = summarizeTimes({
      trainSeconds: (performance.now() - trainStart) / 1000,
      epochSeconds: state.epochSeconds,
      stepMilliseconds: clock.stepMilliseconds,
      samplesPerEpoch: state.trainSamples,
    });

    // Evaluation is timed on its own: inference mode, the test set in order, full batches.
    const evalStart = performance.now();
    let correct = 0;
    let seen = 0;
    const testIterator = batches(dataset.test, { batchSize, seed, epoch: 0, shuffle: false, layout, labels, limit: options.testLimit });
    for (const batch of testIterator) {
      correct += (await evaluateBatch(model, batch, framework.name)) * batch.size;
      seen += batch.size;
    }
    const evalSeconds = (performance.now() - evalStart) / 1000;
    const testAccuracy = correct / seen;
    log.info(
      `trained in ${formatDuration(times.trainSeconds)} (steady epoch ${formatDuration(times.steadyEpochSeconds)}, ` +
        `${formatStepTime(times.msPerStepMedian)} median, ${formatCount(Math.round(times.samplesPerSecond))} samples/s); ` +
        accuracyLine(testAccuracy, seen, evalSeconds),
    );

    // Inference on the trained weights, as a user calling predict would see it: apart from
    // training and evaluation, after warm-up calls of its own (inference.ts). Not on a software
    // WebGPU adapter, where 35 batches take minutes and time a CPU emulating a GPU.
    const inference = backend.info.adapter?.software
      ? null
      : await measureInference(model, {
          split: dataset.test,
          input: backend.input,
          batchSize,
          classes: spec.classes,
          seed,
          ...(options.testLimit === undefined ? {} : { limit: options.testLimit }),
        });
    log.info(inference === null ? 'inference: not timed on a software WebGPU adapter' : inferenceLine(inference));

    return {
      ...baseResult(options, subset, state, await captureEnvironment(backend.info, startedAt)),
      status: 'ok',
      reason: null,
      trainSeconds: times.trainSeconds,
      epochSeconds: [...times.epochSeconds],
      steadyEpochSeconds: times.steadyEpochSeconds,
      msPerStepMedian: times.msPerStepMedian,
      samplesPerSecond: times.samplesPerSecond,
      // The last epoch's mean: a single step's loss would be mostly batch noise.
      finalLoss: state.epochLoss.at(-1)!,
      testAccuracy,
      evalSeconds,
      inference,
    };
  } finally {
    model?.dispose();
    await backend.dispose?.();
  }
}

/** The fields every result has, filled with what is known; timings stay null until earned. */
function baseResult(options: TrainingOptions, subset: boolean, state: RunState, env: Result['env']): Result {
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    framework: options.framework.name,
    model: options.model,
    label: options.label,
    run: { ...options.run, configuration: runConfigurationTag(options, subset) },
    status: 'failed',
    reason: null,
    epochs: options.epochs,
    batchSize: MODEL_SPECS[options.model].batchSize,
    trainSamples: state.trainSamples,
    testSamples: state.testSamples,
    trainSeconds: null,
    epochSeconds: [...state.epochSeconds],
    steadyEpochSeconds: null,
    msPerStepMedian: null,
    samplesPerSecond: null,
    epochLoss: [...state.epochLoss],
    finalLoss: null,
    testAccuracy: null,
    evalSeconds: null,
    inference: null,
    seed: options.seed,
    dropout: options.dropout,
    deviations: [...(state.info?.deviations ?? [])],
    dataset: state.dataset ? { ...state.dataset } : null,
    weights: state.weights ?? null,
    env,
    command: options.command,
  };
}

/**
 * Trains one model on one framework and files the result under `<outDir>/<label>/`.
 * Never throws for the run's own outcome: an unavailable backend gives an `unavailable`
 * result, any other error a `failed` one (with the epochs completed so far); only a
 * failure to write the result itself escapes. A run that is not ok never replaces an ok
 * result (results-store.ts), and files are written atomically, so a run killed midway
 * leaves the previous files as they were.
 */
export async function runTraining(options: TrainingOptions): Promise<TrainingRun> {
  const log = options.log ?? silentLog;
  const startedAt = new Date();
  const state: RunState = { trainSamples: 0, testSamples: 0, epochSeconds: [], epochLoss: [], trainingStarted: false };
  const subset = await datasetIsSubset(options);
  let result: Result;
  let failure: unknown;
  try {
    result = await train(options, subset, state, log, startedAt);
  } catch (error) {
    failure = error;
    const status = isUnavailable(error) && !state.trainingStarted ? 'unavailable' : 'failed';
    const env = await captureEnvironment(state.info ?? unloadedBackend(options.framework.name), startedAt);
    const reason = error instanceof Error ? error.message || error.name : String(error);
    result = { ...baseResult(options, subset, state, env), status, reason };
    log.info(`${options.framework.name} ${options.model}: ${status}: ${result.reason}`);
  }
  const recorded = await recordRun(options.outDir, result);
  const { file, kept } = recorded;
  log.info(kept === undefined ? `wrote ${file}` : `wrote ${file}; the earlier ok result ${kept} is kept`);
  return { result: recorded.result, file, ...(kept === undefined ? {} : { kept }), ...(failure === undefined ? {} : { error: failure }) };
}
