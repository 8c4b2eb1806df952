/**
 * Execution providers: the one place that turns "onnxruntime-cpu", "-cuda" or "-webgpu" into ONNX
 * Runtime session options and the graph target they run (what onnx-graph may emit for them), and
 * that checks a provider can run here before any model is built.
 */
import { BackendUnavailableError, threadCount, type WebGpuAdapter } from '@rosetta/harness';
import { DEFAULT_TARGET, type Target } from '@rosetta/onnx-graph';
import * as ort from 'onnxruntime-node';
import { bindingDirectory, missingProviderLibraries, providerLoaderError } from './cuda-libraries.js';
import { probeModel } from './probe.js';

// ONNX Runtime's process-wide logger prints a provider library that fails to load as an error
// line of its own, before the exception that checkProvider turns into the `unavailable` reason:
// the reason is said once, by this code. It is read when the first session is created.
ort.env.logLevel = 'fatal';

export type ProviderName = 'cpu' | 'cuda' | 'webgpu';

/**
 * Training steps per `run` (K > 1: an ONNX Loop over a chunk of K batches). The CUDA provider
 * copies every input and output between host and device on each `run`, so the parameters and
 * optimiser state stay on the device for 32 steps (not measured: no GPU here). On the CPU a
 * `run` still allocates every output and onnxruntime-node copies it into a new JavaScript
 * buffer, 45 MB of GRU state and 27 MB of CNN state per run, in fresh pages early in a process:
 * 32 steps per run took 21 % less time per GRU step than 8 and 5 % less per CNN step, 64 no
 * less than 32 (`rosetta bench --framework onnxruntime-cpu --steps-per-run 8,16,32`).
 * WebGPU has no Loop kernel; its state stays on the device between runs of one step
 * (`stateOnDevice`).
 */
export const STEPS_PER_RUN: Readonly<Record<ProviderName, number>> = { cpu: 32, cuda: 32, webgpu: 1 };

export interface Provider {
  readonly name: ProviderName;
  /** Session options used for every session of this provider, recorded in BackendInfo. */
  readonly options: ort.InferenceSession.SessionOptions;
  /** Human-readable summary for results files, e.g. "CPUExecutionProvider, 2 intra-op threads". */
  readonly description: string;
  /** What the graphs may use on this provider. */
  readonly target: Target;
  /**
   * Keep the training state (parameters, optimiser slots) in device memory between runs: the
   * training graph's state outputs stay there ("gpu-buffer") and go straight back in as inputs.
   */
  readonly stateOnDevice: boolean;
  /** Training steps per `run` unless ModelOptions.stepsPerRun says otherwise: STEPS_PER_RUN. */
  readonly stepsPerRun: number;
  /** The WebGPU adapter, for the WebGPU provider. */
  readonly adapter?: WebGpuAdapter;
}

/**
 * One intra-op thread per core (threadCount: ROSETTA_THREADS overrides it): a training step is one
 * long chain of large ops, so parallelism inside each op is what pays; inter-op parallelism would
 * only contend. ONNX Runtime's own log stops at errors: every error it logs also comes back as the
 * exception this code reports.
 */
function commonOptions(): ort.InferenceSession.SessionOptions {
  return {
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    intraOpNumThreads: threadCount(),
    interOpNumThreads: 1,
    logSeverityLevel: 3,
  };
}

/**
 * No CPU entry after a GPU provider, and ONNX Runtime's own CPU fallback switched off: a node
 * without a kernel there would otherwise run on the CPU without a word, and a GPU result must be a
 * GPU result. Session creation fails instead.
 */
const NO_CPU_FALLBACK = { session: { disable_cpu_ep_fallback: '1' } };

export function cpuProvider(): Provider {
  const options = commonOptions();
  return {
    name: 'cpu',
    options: { ...options, executionProviders: ['cpu'] },
    description: `CPUExecutionProvider, ${options.intraOpNumThreads} intra-op threads`,
    target: DEFAULT_TARGET,
    stateOnDevice: false,
    stepsPerRun: STEPS_PER_RUN.cpu,
  };
}

export function cudaProvider(): Provider {
  return {
    name: 'cuda',
    options: { ...commonOptions(), executionProviders: [{ name: 'cuda', deviceId: 0 }], extra: NO_CPU_FALLBACK },
    description: 'CUDAExecutionProvider (device 0)',
    target: DEFAULT_TARGET,
    stateOnDevice: false,
    stepsPerRun: STEPS_PER_RUN.cuda,
  };
}

/**
 * Op types of the graphs that ONNX Runtime 1.29's WebGPU provider has no kernel for (its node
 * placements, with CPU fallback allowed, list them); onnx-graph builds their other forms.
 */
export const WEBGPU_MISSING_KERNELS: readonly string[] = ['Dropout', 'Loop', 'SoftmaxCrossEntropyLoss', 'Sum', 'TopK'];

/**
 * ONNX Runtime's bundled WebGPU provider on `adapter`, whose limits the graphs must respect (a
 * kernel binds each tensor of its node as a storage buffer). The provider's preferred layout is
 * NCHW, the graphs' own: with its default, NHWC (convolutions wrapped in transposes), 1.29 computes
 * the filter gradients' grouped convolutions wrongly at 50 and 100 channels (and at 4, 8, 16 and 32;
 * right at 3 and 17), and the CNN's conv2 to conv4 then learn from wrong gradients.
 */
export function webgpuProvider(adapter: WebGpuAdapter, maxStorageBuffersPerShaderStage: number): Provider {
  return {
    name: 'webgpu',
    options: { ...commonOptions(), executionProviders: [{ name: 'webgpu', preferredLayout: 'NCHW' }], extra: NO_CPU_FALLBACK },
    description: 'WebGpuExecutionProvider (NCHW)',
    target: { name: 'webgpu', unsupported: new Set(WEBGPU_MISSING_KERNELS), nodeTensorLimit: maxStorageBuffersPerShaderStage },
    stateOnDevice: true,
    stepsPerRun: STEPS_PER_RUN.webgpu,
    adapter,
  };
}

/**
 * ORT's error says only "Failed to load shared library": name the provider files that are
 * not there, or else what the dynamic loader says about the ones that are.
 */
async function cudaLoadDetail(): Promise<string> {
  const missing = missingProviderLibraries();
  if (missing.length > 0) return ` (missing in ${bindingDirectory()}: ${missing.join(', ')})`;
  const loader = await providerLoaderError();
  return loader === null ? '' : ` (the dynamic loader: ${loader})`;
}

/**
 * Creates and runs a one-node session on the provider. ONNX Runtime loads a provider library
 * lazily, at the first session that asks for it, so this is where a missing library or a missing
 * GPU shows; its message becomes the `unavailable` reason, and ONNX Runtime logs nothing of its
 * own about it.
 */
export async function checkProvider(p: Provider): Promise<void> {
  let session: ort.InferenceSession | undefined;
  try {
    session = await ort.InferenceSession.create(probeModel(), { ...p.options, logSeverityLevel: 4 });
    const x = new ort.Tensor('float32', new Float32Array([1, 2]), [2]);
    const { y } = await session.run({ x });
    if (y === undefined || (y.data as Float32Array)[1] !== 4) throw new Error('the probe model computed a wrong result');
  } catch (error) {
    throw new BackendUnavailableError(`onnxruntime-node cannot run the ${p.description}: ${(error as Error).message}${p.name === 'cuda' ? await cudaLoadDetail() : ''}`);
  } finally {
    await session?.release();
  }
}
