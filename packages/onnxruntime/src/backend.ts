/**
 * The harness adapter of ONNX Runtime on one execution provider: what its results say about it,
 * and its models, the graphs of the model files run by OrtModel. The frameworks (framework.ts)
 * find a provider that runs here and call `createOrtBackend`.
 */
import { createRequire } from 'node:module';
import type { Backend, BackendInfo, InputFormat, ModelFile, ModelName, ModelOptions } from '@rosetta/harness';
import { OPSET, DEFAULT_TARGET, type Target } from '@rosetta/onnx-graph';
import { describeAdapter, type AdapterReport } from '@rosetta/webgpu';
import * as cnn from './cnn.js';
import type { OrtTypes } from './model.js';
import type { TrainingProgram } from './program.js';
import type { Provider } from './provider.js';
import * as rnn from './rnn.js';

/** A model file, with the graphs it compiles to. */
type OrtModelFile<M extends ModelName> = ModelFile<OrtTypes<M>> & {
  program(options: ModelOptions, target?: Target): TrainingProgram;
};

/** The model files, each checked against the harness's contract for a model file. */
const MODEL_FILES: { readonly [M in ModelName]: OrtModelFile<M> } = { cnn, rnn };

/** The graphs of a model, for `options.batchSize` (default: SPEC.md's batch), for the CPU and CUDA providers unless `target` says otherwise. */
export function buildProgram(options: ModelOptions, target = DEFAULT_TARGET): TrainingProgram {
  return MODEL_FILES[options.model].program(options, target);
}

/** The graphs take NCHW images, ONNX Conv's layout, and sparse labels. */
export const ORT_INPUT: InputFormat = { layout: 'NCHW', labels: 'sparse' };

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

export interface OrtBackendOptions {
  /** The GPU's description, for CUDA (nvidia-smi's), when known. */
  readonly gpu?: string | null;
  /** The WebGPU adapter and its versions, for WebGPU. */
  readonly webgpu?: AdapterReport | null;
}

/** The harness Backend of ONNX Runtime on `provider`, which checkProvider has found to run here. */
export function createOrtBackend(provider: Provider, options: OrtBackendOptions = {}): Backend {
  return {
    info: {
      framework: `onnxruntime-${provider.name}`,
      backend: `${provider.description}; ${provider.stepsPerRun} training step(s) per run; graph optimisation level "all"`,
      ...providerDetails(provider, options.gpu ?? null, options.webgpu ?? null),
    },
    input: ORT_INPUT,
    createModel: (modelOptions) => MODEL_FILES[modelOptions.model].createModel(modelOptions, provider),
  };
}
