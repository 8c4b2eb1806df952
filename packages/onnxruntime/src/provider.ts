/**
 * Execution providers: the one place that turns "onnxruntime-cpu" or "onnxruntime-cuda"
 * into ONNX Runtime session options, and that checks a provider can run here before any
 * model is built.
 */
import { availableParallelism } from 'node:os';
import { BackendUnavailableError } from '@rosetta/harness';
import ort from 'onnxruntime-node';
import { bindingDirectory, missingProviderLibraries, providerLoaderError } from './cuda-libraries.js';
import { probeModel } from './probe.js';

export type ProviderName = 'cpu' | 'cuda';

export interface Provider {
  readonly name: ProviderName;
  /** Session options used for every session of this provider, recorded in BackendInfo. */
  readonly options: ort.InferenceSession.SessionOptions;
  /** Human-readable summary for results files, e.g. "CPUExecutionProvider, 2 intra-op threads". */
  readonly description: string;
}

export function provider(name: ProviderName): Provider {
  // One intra-op thread per core: a training step is one long chain of large ops, so
  // parallelism inside each op is what pays; inter-op parallelism would only contend.
  const threads = availableParallelism();
  const common: ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
  };
  if (name === 'cpu') {
    return {
      name,
      options: { ...common, executionProviders: ['cpu'] },
      description: `CPUExecutionProvider, ${threads} intra-op threads`,
    };
  }
  return {
    name,
    // No CPU entry after CUDA, and ONNX Runtime's own CPU fallback switched off: a node
    // without a CUDA kernel would otherwise run on the CPU without a word, and a "CUDA"
    // result must be a CUDA result. Session creation fails instead, naming the node.
    options: {
      ...common,
      executionProviders: [{ name: 'cuda', deviceId: 0 }],
      extra: { session: { disable_cpu_ep_fallback: '1' } },
    },
    description: 'CUDAExecutionProvider (device 0)',
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
 * Creates and runs a one-node session on the provider. ONNX Runtime loads the CUDA
 * provider library lazily, at the first session that asks for it, so this is where a
 * missing library or a missing GPU shows; its message becomes the `unavailable` reason.
 */
export async function checkProvider(p: Provider): Promise<void> {
  let session: ort.InferenceSession | undefined;
  try {
    session = await ort.InferenceSession.create(probeModel(), p.options);
    const x = new ort.Tensor('float32', new Float32Array([1, 2]), [2]);
    const { y } = await session.run({ x });
    if (y === undefined || (y.data as Float32Array)[1] !== 4) throw new Error('the probe model computed a wrong result');
  } catch (error) {
    throw new BackendUnavailableError(`onnxruntime-node cannot run the ${p.description}: ${(error as Error).message}${p.name === 'cuda' ? await cudaLoadDetail() : ''}`);
  } finally {
    await session?.release();
  }
}
