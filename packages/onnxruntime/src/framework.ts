/**
 * The three ONNX Runtime frameworks of the harness registry: the same generated graphs, run on
 * the CPU, or on the CUDA or WebGPU execution provider.
 */
import { createRequire } from 'node:module';
import {
  BackendUnavailableError, describeFramework, describeGpu, detectGpu, hardwareLabel,
  type Backend, type BackendInfo, type Framework, type ModelOptions,
} from '@rosetta/harness';
import { OPSET, DEFAULT_TARGET } from '@rosetta/onnx-graph';
import { adapterLabelName, adapterReport, describeAdapter, NoAdapterError, type AdapterReport } from '@rosetta/webgpu';
import * as cnn from './cnn.js';
import type { TrainingProgram } from './program.js';
import { diagnoseCuda, setupCuda } from './cuda-libraries.js';
import { matMulPeak } from './peak.js';
import { checkProvider, cpuProvider, cudaProvider, webgpuProvider, type Provider, type ProviderName } from './provider.js';
import * as rnn from './rnn.js';

/**
 * Training steps per `run` (K > 1: an ONNX Loop over a chunk of K batches). The CUDA provider
 * copies every input and output between host and device on each `run`, so the parameters and
 * optimiser state stay on the device for 32 steps (not measured: no GPU here). On the CPU a
 * `run` still allocates every output and onnxruntime-node copies it into a new JavaScript
 * buffer, 45 MB of GRU state and 27 MB of CNN state per run, in fresh pages early in a process:
 * 32 steps per run took 21 % less time per GRU step than 8 and 5 % less per CNN step, 64 no
 * less than 32 (`rosetta bench --framework onnxruntime-cpu --steps-per-run 8,16,32`, README.md).
 * WebGPU has no Loop kernel; its state stays on the device between runs of one step
 * (trainer.ts).
 */
export const STEPS_PER_RUN: Readonly<Record<ProviderName, number>> = { cpu: 32, cuda: 32, webgpu: 1 };

/** The graphs of a model, for `options.batchSize` (default: SPEC.md's batch), for the CPU and CUDA providers. */
export function buildProgram(options: ModelOptions, target = DEFAULT_TARGET): TrainingProgram {
  return (options.model === 'cnn' ? cnn : rnn).program(options, target);
}

function packageVersion(name: string): string {
  const require = createRequire(import.meta.url);
  return (require(`${name}/package.json`) as { version: string }).version;
}

const DROPOUT_DEVIATION =
  "dropout masks come from ONNX Runtime's Dropout op (seeded by the model seed, a new mask every step), not from the other frameworks' generators";

/** What a provider's results say about it beyond the provider's name. */
function providerDetails(p: Provider, gpu: string | null, webgpu: AdapterReport | null): Pick<BackendInfo, 'device' | 'versions' | 'deviations' | 'adapter'> {
  const versions = { 'onnxruntime-node': packageVersion('onnxruntime-node'), 'onnx-opset': String(OPSET) };
  if (p.name === 'cpu') return { device: 'cpu', versions, deviations: [DROPOUT_DEVIATION] };
  if (p.name === 'cuda') {
    return {
      device: gpu ?? 'CUDA device 0',
      versions,
      deviations: [
        DROPOUT_DEVIATION,
        'the embedding gradient (ScatterElements, reduction add) uses atomic adds on CUDA: its summation order, and so its last bits, can vary from run to run',
      ],
    };
  }
  return {
    device: describeAdapter(webgpu!.adapter),
    adapter: webgpu!.adapter,
    versions: { ...versions, ...webgpu!.versions },
    deviations: [
      'dropout masks come from a counter-based generator in the graph (onnx-graph random.ts, keyed by the model seed and the step number: the provider has no Dropout kernel), not from the other frameworks\' generators',
      'the embedding gradient is one ScatterElements with reduction add, whose atomic adds run in an order that varies from run to run: the last bits of its sums can vary',
      'one training step per run (the provider has no Loop kernel); parameters and optimiser state stay in GPU memory between runs',
    ],
  };
}

/**
 * The provider on this machine. For WebGPU that means an adapter first: its limits shape the
 * graphs. Throws BackendUnavailableError with the reason.
 */
async function providerHere(name: ProviderName): Promise<{ provider: Provider; webgpu: AdapterReport | null }> {
  if (name === 'cpu') return { provider: cpuProvider(), webgpu: null };
  if (name === 'cuda') return { provider: cudaProvider(), webgpu: null };
  let report: AdapterReport;
  try {
    report = await adapterReport();
  } catch (error) {
    if (error instanceof NoAdapterError) throw new BackendUnavailableError(`onnxruntime-webgpu: ${error.message}`);
    throw error;
  }
  return { provider: webgpuProvider(report.adapter, report.limits.maxStorageBuffersPerShaderStage), webgpu: report };
}

/**
 * An ONNX Runtime framework on one provider. `stepsPerRun` overrides STEPS_PER_RUN, and
 * ModelOptions.stepsPerRun overrides both for one model (`rosetta bench --steps-per-run`).
 */
export function ortFramework(name: ProviderName, description: string, stepsPerRun = STEPS_PER_RUN[name]): Framework {
  const framework = `onnxruntime-${name}`;
  return {
    name: framework,
    description,
    async load(): Promise<Backend> {
      const { provider: p, webgpu } = await providerHere(name);
      await checkProvider(p);
      const gpu = name === 'cuda' ? await detectGpu() : null;
      return {
        info: {
          framework,
          backend: `${p.description}; ${stepsPerRun} training step(s) per run; graph optimisation level "all"`,
          ...providerDetails(p, gpu && describeGpu(gpu), webgpu),
        },
        input: { layout: 'NCHW', labels: 'sparse' },
        createModel: (options) =>
          (options.model === 'cnn' ? cnn : rnn).createModel(options, p, { stepsPerRun: options.stepsPerRun ?? stepsPerRun, profile: options.profile ?? false }),
      };
    },
    ...(name === 'webgpu' && {
      machineLabel: async () => {
        try {
          return hardwareLabel(adapterLabelName((await adapterReport()).adapter));
        } catch {
          return undefined;
        }
      },
    }),
  };
}

export const cpuFramework: Framework = { ...ortFramework('cpu', describeFramework('onnxruntime-cpu')), peak: () => matMulPeak(cpuProvider()) };

export const cudaFramework: Framework = {
  ...ortFramework('cuda', describeFramework('onnxruntime-cuda')),
  diagnose: diagnoseCuda,
  setup: setupCuda,
};

export const webgpuFramework = ortFramework('webgpu', describeFramework('onnxruntime-webgpu'));

export const frameworks: readonly Framework[] = [cpuFramework, cudaFramework, webgpuFramework];
