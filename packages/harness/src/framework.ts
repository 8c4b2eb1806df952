/**
 * The adapter interface every backend implements. The harness runner does everything
 * else (data, timing, which batches are evaluated, results) identically for all of them,
 * so an adapter holds only what is specific to its framework: build the model, train on a
 * batch, predict, and the accuracy of a batch (the steps of its model files, whose one
 * contract is ModelFile in model-file.ts).
 *
 * Frameworks plug in through one small registry (`registry.ts`), loaded lazily, so a
 * backend whose native library is missing costs nothing until it is asked for.
 */
import type { Batch, ImageLayout, LabelFormat } from '@rosetta/data';
import type { ModelName } from './spec.js';
import type { Check, SetupOptions } from './diagnosis.js';
import type { WebGpuAdapter } from './results.js';
import type { Weights } from './weights.js';

/** What a loaded backend says about itself; stored in every results file. */
export interface BackendInfo {
  /** Framework name as given on the command line, e.g. "tfjs-wasm". */
  readonly framework: string;
  /** Backend / execution provider actually in use, e.g. "wasm (simd, 2 threads)", "CUDAExecutionProvider". */
  readonly backend: string;
  /** "cpu" or a GPU description. */
  readonly device: string;
  /** The WebGPU adapter, for a WebGPU backend: results record it, and a software one is never timed against hardware. */
  readonly adapter?: WebGpuAdapter;
  /** Versions of the packages that matter, e.g. {"@tensorflow/tfjs-core": "4.22.0"}. */
  readonly versions: Readonly<Record<string, string>>;
  /** Every way this backend departs from SPEC.md, stated rather than hidden. */
  readonly deviations: readonly string[];
}

/** How the iterator must shape batches for this framework. */
export interface InputFormat {
  readonly layout: ImageLayout;
  readonly labels: LabelFormat;
}

export interface ModelOptions {
  readonly model: ModelName;
  /** Initial parameters in the canonical layout (weights.ts). */
  readonly weights: Weights;
  /** Seed for framework-private randomness (dropout masks). */
  readonly seed: number;
  /** Parity runs switch dropout off so that frameworks can be compared step by step. */
  readonly dropout: boolean;
  /**
   * Samples per training batch when it is not SPEC.md's (parity runs on small batches);
   * backends with static shapes build their graphs for it. Default: the model's SPEC batch.
   */
  readonly batchSize?: number;
  /**
   * Training steps per device call, for a backend that can run several (ONNX Runtime's
   * Loop); a backend that cannot ignores it, and the model's `stepsPerRun` says what runs.
   * Default: the backend's own choice. `rosetta bench --steps-per-run` sets it.
   */
  readonly stepsPerRun?: number;
  /**
   * The caller will call `profileKernels`: a backend whose profiler must be switched on
   * when the model is built (ONNX Runtime's session profiling) does it then.
   */
  readonly profile?: boolean;
}

/**
 * Called by an adapter after every completed chunk of training steps with one loss per
 * step. Most adapters report after every step; one that runs several steps per device
 * call (an ONNX Loop) reports per chunk, and the runner spreads the chunk's time over it.
 * Throws to stop training (e.g. on a NaN loss); the adapter must let the error through.
 */
export type StepReporter = (losses: Float32Array) => void;

/** One kernel (TF.js) or operator (ONNX Runtime) execution, as the framework's own profiler timed it. */
export interface KernelEvent {
  /** Kernel name (TF.js) or op type (ONNX). */
  readonly name: string;
  readonly ms: number;
}

/**
 * For a `profileKernels` whose training steps record their own events: runs `train` with
 * `record` given a fresh list, and switched off (null) afterwards, even when `train` throws.
 */
export async function recordKernelEvents(
  train: () => Promise<void>,
  record: (events: KernelEvent[] | null) => void,
): Promise<KernelEvent[]> {
  const events: KernelEvent[] = [];
  record(events);
  try {
    await train();
  } finally {
    record(null);
  }
  return events;
}

export interface TrainableModel {
  /**
   * Trains on every batch of one epoch, in order. A batch buffer is reused by the
   * iterator, so the adapter must be done with a batch before pulling the next one.
   */
  trainEpoch(batches: Iterable<Batch>, report: StepReporter): Promise<void>;
  /**
   * Logits [batch.size, classes] in inference mode (dropout off), for any batch size: the
   * runner evaluates and times throughput at the training batch size, and latency at batch 1.
   */
  predict(batch: Batch): Promise<Float32Array>;
  /**
   * Accuracy over the batch, mean(argmax(logits) == label), in inference mode, computed
   * by the framework; the runner averages it over the full test batches.
   */
  evaluate(batch: Batch): Promise<number>;
  /** Current parameters in the canonical layout (for parity checks and export). */
  weights(): Promise<Map<string, { shape: readonly number[]; data: Float32Array }>>;
  dispose(): void;
  /**
   * Training steps per `report` (an ONNX Loop over a chunk of K batches); 1 when absent.
   * Benches count warm-up and timed steps in whole chunks of it.
   */
  readonly stepsPerRun?: number;
  /**
   * Optional: runs `train` (training on this model) under the framework's own profiler and
   * returns every kernel or operator execution it recorded, in order. Benches only: a
   * profiler slows the steps down. A backend that must switch profiling on at creation
   * needs `ModelOptions.profile`, and may allow one call per model.
   */
  profileKernels?(train: () => Promise<void>): Promise<readonly KernelEvent[]>;
}

export interface Backend {
  readonly info: BackendInfo;
  readonly input: InputFormat;
  createModel(options: ModelOptions): Promise<TrainableModel>;
  dispose?(): Promise<void> | void;
}

/** Thrown by `Framework.load` when the backend cannot run here; becomes `status: "unavailable"`. */
export class BackendUnavailableError extends Error {
  override readonly name = 'BackendUnavailableError';
}

/** One way of measuring an instruction set's arithmetic rate on this machine: a large product, timed. */
export interface PeakCandidate {
  /** What was timed, e.g. "MatMul 4096 x 4096 x 4096, CPU provider, 2 threads". */
  readonly what: string;
  readonly gflops: number;
}

export interface Framework {
  readonly name: string;
  /** One line for `--help` and the README. */
  readonly description: string;
  /** Loads native libraries / WASM binaries; throws BackendUnavailableError with the real reason. */
  load(): Promise<Backend>;
  /**
   * For a framework that needs more than `npm install`: each thing it needs, checked
   * (`rosetta doctor`), in the order a user would fix them. Loading is checked separately.
   */
  diagnose?(): Promise<Check[]>;
  /** Installs what `npm install` cannot (`rosetta setup <name>`); throws SetupError with what went wrong. */
  setup?(options: SetupOptions): Promise<void>;
  /**
   * The machine label of this framework's runs, for a framework whose device is not what
   * `nvidia-smi` or the CPU names (a WebGPU adapter); undefined, or no such method, for
   * results-store.ts's default.
   */
  machineLabel?(): Promise<string | undefined>;
  /**
   * For a framework whose library is the fastest way this project has to multiply matrices on its
   * instruction set (catalogue `arithmetic`): large products timed through it, as it runs them
   * (threads included). `rosetta bench` takes the best as that instruction set's peak.
   */
  peak?(): Promise<readonly PeakCandidate[]>;
}
