/**
 * The harness adapter shared by every TF.js backend package. A backend package registers
 * its TF.js backend (cpu, wasm, tensorflow, webgpu) and calls `createTfjsBackend`; the
 * models and the training loop are the same for all of them.
 */
import * as tf from '@tensorflow/tfjs-core';
import { version_layers as layersVersion } from '@tensorflow/tfjs-layers';
import {
  BackendUnavailableError,
  type Backend,
  type InputFormat,
  type ModelFile,
  type ModelName,
  type ModelOptions,
  type TrainableModel,
} from '@rosetta/harness';
import * as cnn from './cnn.js';
import type { TfjsTypes } from './model.js';
import * as rnn from './rnn.js';

/** The model files, each checked against the harness's contract for a model file. */
const MODEL_FILES: { readonly [M in ModelName]: ModelFile<TfjsTypes> } = { cnn, rnn };

export interface TfjsBackendOptions {
  /** Framework name as given on the command line, e.g. "tfjs-wasm". */
  readonly framework: string;
  /** TF.js backend to activate, as registered with tfjs-core: "cpu", "wasm", "tensorflow", "webgpu". */
  readonly backendName: string;
  /** How the backend is described in results, e.g. "wasm (simd, 2 threads)"; defaults to backendName. */
  readonly backendLabel?: string;
  /** "cpu" or a GPU description. */
  readonly device: string;
  /** Versions of the backend package's own libraries; tfjs-core and tfjs-layers are added here. */
  readonly versions?: Readonly<Record<string, string>>;
  /** The backend's own departures from SPEC.md; the ones every TF.js backend shares are added here. */
  readonly deviations?: readonly string[];
}

/** Departures from SPEC.md that every TF.js backend shares. */
export const TFJS_DEVIATIONS: readonly string[] = [
  'CNN dropout masks come from TF.js\'s unseeded generator (a seeded tf.dropout layer would repeat one mask every step), so ModelOptions.seed does not fix them.',
  'Sparse labels are turned into one-hot rows inside the training step and fed to tf.losses.softmaxCrossEntropy (mean over the batch); the value and gradient are those of sparse softmax cross-entropy.',
];

/** TF.js conv layers are NHWC; labels stay sparse (the loss makes them one-hot on the device). */
export const TFJS_INPUT: InputFormat = { layout: 'NHWC', labels: 'sparse' };

/**
 * Activates `backendName` on the caller's tfjs-core and returns the harness Backend.
 *
 * `tf` is the tfjs-core module the backend package registered its backend with. It must
 * be the very instance the models here use: two copies of tfjs-core keep two backend
 * registries, and the models would train on the wrong one. Throws BackendUnavailableError
 * when the backend is not registered or fails to initialise.
 */
export async function createTfjsBackend(callerTf: typeof tf, options: TfjsBackendOptions): Promise<Backend> {
  if (callerTf.engine() !== tf.engine()) {
    throw new Error(
      `${options.framework}: its @tensorflow/tfjs-core (${callerTf.version_core}) is another instance than ` +
        `@rosetta/tfjs's (${tf.version_core}); run \`npm ls @tensorflow/tfjs-core\` and dedupe to one copy`,
    );
  }
  let activated: boolean;
  try {
    activated = await tf.setBackend(options.backendName);
    await tf.ready();
  } catch (error) {
    throw new BackendUnavailableError(
      `${options.framework}: TF.js backend "${options.backendName}" failed to initialise: ${String(error)}`,
    );
  }
  if (!activated) {
    throw new BackendUnavailableError(
      `${options.framework}: TF.js backend "${options.backendName}" is not registered or failed to initialise`,
    );
  }
  const backendName = options.backendName;
  return {
    info: {
      framework: options.framework,
      backend: options.backendLabel ?? backendName,
      device: options.device,
      versions: {
        '@tensorflow/tfjs-core': tf.version_core,
        '@tensorflow/tfjs-layers': layersVersion,
        ...options.versions,
      },
      deviations: [...TFJS_DEVIATIONS, ...(options.deviations ?? [])],
    },
    input: TFJS_INPUT,
    createModel: (modelOptions: ModelOptions): Promise<TrainableModel> => MODEL_FILES[modelOptions.model].createModel(modelOptions, backendName),
  };
}
