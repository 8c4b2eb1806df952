/**
 * The two ONNX Runtime frameworks of the harness registry: the same generated graphs, run on
 * the CPU or on the CUDA execution provider.
 */
import { createRequire } from 'node:module';
import { describeFramework, describeGpu, detectGpu, type Backend, type Framework, type ModelOptions } from '@rosetta/harness';
import { OPSET } from '@rosetta/onnx-graph';
import * as cnn from './cnn.js';
import type { TrainingProgram } from './program.js';
import { diagnoseCuda, setupCuda } from './cuda-libraries.js';
import { checkProvider, provider, type ProviderName } from './provider.js';
import * as rnn from './rnn.js';

/**
 * Training steps per `run` (K > 1: an ONNX Loop over a chunk of K batches). The CUDA provider
 * copies every input and output between host and device on each `run`, so the parameters and
 * optimiser state stay on the device for 32 steps (not measured: no GPU here). On the CPU a
 * `run` still allocates every output and onnxruntime-node copies it into a new JavaScript
 * buffer, 45 MB of GRU state and 27 MB of CNN state per run, in fresh pages early in a process:
 * 32 steps per run took 21 % less time per GRU step than 8 and 5 % less per CNN step, 64 no
 * less than 32 (`rosetta bench --framework onnxruntime-cpu --steps-per-run 8,16,32`, README.md).
 */
export const STEPS_PER_RUN: Readonly<Record<ProviderName, number>> = { cpu: 32, cuda: 32 };

/** The graphs of a model, for `options.batchSize` (default: SPEC.md's batch). */
export function buildProgram(options: ModelOptions): TrainingProgram {
  return (options.model === 'cnn' ? cnn : rnn).program(options);
}

function packageVersion(name: string): string {
  const require = createRequire(import.meta.url);
  return (require(`${name}/package.json`) as { version: string }).version;
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
      const p = provider(name);
      await checkProvider(p);
      const gpu = name === 'cpu' ? null : await detectGpu();
      const device = name === 'cpu' ? 'cpu' : gpu ? describeGpu(gpu) : 'CUDA device 0';
      return {
        info: {
          framework,
          backend: `${p.description}; ${stepsPerRun} training step(s) per run; graph optimisation level "all"`,
          device,
          versions: { 'onnxruntime-node': packageVersion('onnxruntime-node'), 'onnx-opset': String(OPSET) },
          deviations: [
            "dropout masks come from ONNX Runtime's Dropout op (seeded by the model seed, a new mask every step), not from the other frameworks' generators",
            ...(name === 'cuda'
              ? ['the embedding gradient (ScatterElements, reduction add) uses atomic adds on CUDA: its summation order, and so its last bits, can vary from run to run']
              : []),
          ],
        },
        input: { layout: 'NCHW', labels: 'sparse' },
        createModel: (options) =>
          (options.model === 'cnn' ? cnn : rnn).createModel(options, p, { stepsPerRun: options.stepsPerRun ?? stepsPerRun, profile: options.profile ?? false }),
      };
    },
  };
}

export const cpuFramework = ortFramework('cpu', describeFramework('onnxruntime-cpu'));

export const cudaFramework: Framework = {
  ...ortFramework('cuda', describeFramework('onnxruntime-cuda')),
  diagnose: diagnoseCuda,
  setup: setupCuda,
};

export const frameworks: readonly Framework[] = [cpuFramework, cudaFramework];
