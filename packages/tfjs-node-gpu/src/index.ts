/**
 * TF.js on libtensorflow 2.9.1 with CUDA 11.2 and cuDNN 8.1 (@tensorflow/tfjs-node-gpu).
 *
 * The package is an optional dependency and is imported only when this framework is
 * asked for: where its native addon, libtensorflow or the CUDA libraries are missing,
 * loading fails with the loader's own message, which becomes `status: "unavailable"`.
 * The root package.json denies its install script (`allowScripts`): the script downloads
 * libtensorflow and the addon, which fails offline (and, since the libtensorflow download
 * answers HTTP 403, online too), and npm then drops the optional package silently, leaving
 * no loader error to report. `rosetta setup tfjs-node-gpu --from` installs libtensorflow
 * from the user's copy and builds the addon (requirements.ts), and `rosetta doctor` says
 * what is missing.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BackendUnavailableError, describeFramework, describeGpu, detectGpu, type Framework } from '@rosetta/harness';
import { createTfjsBackend } from '@rosetta/tfjs';
import { diagnoseTfjsNodeGpu, setupTfjsNodeGpu } from './requirements.js';

/** A variable, not an import() literal: the package may be absent and brings no types then. */
const PACKAGE = '@tensorflow/tfjs-node-gpu';

interface TensorflowBackend {
  readonly isUsingGpuDevice?: boolean;
}

export const framework: Framework = {
  name: 'tfjs-node-gpu',
  description: describeFramework('tfjs-node-gpu'),
  // Wrapped, so that no caller's extra argument lands on the stand-ins tests pass.
  diagnose: () => diagnoseTfjsNodeGpu(),
  setup: (options) => setupTfjsNodeGpu(options),
  async load() {
    let loaded: { version?: Record<string, string> };
    try {
      loaded = (await import(PACKAGE)) as typeof loaded;
    } catch (error) {
      throw new BackendUnavailableError(`${PACKAGE} could not be loaded: ${loaderMessage(error)}`);
    }
    // Loading registered the "tensorflow" backend on the shared tfjs-core.
    const backend = tf.findBackend('tensorflow') as TensorflowBackend | null;
    if (backend === null) {
      throw new BackendUnavailableError(`${PACKAGE} loaded, but the "tensorflow" backend did not initialise`);
    }
    if (backend.isUsingGpuDevice !== true) {
      throw new BackendUnavailableError(
        `${PACKAGE} loaded, but libtensorflow sees no GPU (CUDA 11.2 / cuDNN 8.1 libraries missing or no NVIDIA device)`,
      );
    }
    return createTfjsBackend(tf, {
      framework: 'tfjs-node-gpu',
      backendName: 'tensorflow',
      backendLabel: 'tensorflow (libtensorflow, CUDA)',
      device: await detectGpu().then((gpu) => (gpu ? describeGpu(gpu) : 'NVIDIA GPU (nvidia-smi not found)')),
      versions: { [PACKAGE]: loaded.version?.['tfjs-node'] ?? 'unknown' },
    });
  },
};

function loaderMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ERR_MODULE_NOT_FOUND') {
    return `${error.message} (the optional dependency is not installed; \`npm install\` drops it when its install script fails)`;
  }
  return error.message.trim();
}
