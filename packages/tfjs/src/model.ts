/**
 * The harness's TrainableModel for both TF.js models: the parts that do not depend on the
 * architecture. A model file (cnn.ts, rnn.ts) holds the steps themselves (the harness's
 * ModelFile: build the model, the training loop, predict, accuracy); this class holds the
 * Layers model and its optimiser, calls the steps, switches to the model's backend first,
 * and hands the weights back in the canonical layout.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Batch } from '@rosetta/data';
import {
  recordKernelEvents, type FrameworkTypes, type KernelEvent, type ModelFile, type StepReporter, type Tensor, type TrainableModel,
} from '@rosetta/harness';
import type { WeightBinding } from './layout.js';
import { getCanonicalWeights } from './layer-weights.js';

/** TF.js's type for each role of a model file: tensors throughout, a Layers model, a TF.js optimiser. */
export interface TfjsTypes extends FrameworkTypes {
  readonly tensor: tf.Tensor;
  readonly operand: tf.Tensor;
  readonly model: tfl.LayersModel;
  readonly optimizer: tf.Optimizer;
  readonly trainable: TfjsModel;
  readonly batch: Batch;
  /** The TF.js backend to build the model on, as registered with tfjs-core: "cpu", "wasm", "tensorflow", "webgpu". */
  readonly runtime: string;
}

/** The steps of a model file this class calls. */
export type TfjsSteps = Pick<ModelFile<TfjsTypes>, 'trainStep' | 'trainEpoch' | 'predict' | 'accuracy'>;

export interface ModelParts {
  /** The Layers model the model file built, with the shared weights set. */
  readonly network: tfl.LayersModel;
  readonly optimizer: tf.Optimizer;
  readonly bindings: readonly WeightBinding[];
  readonly steps: TfjsSteps;
  /** The TF.js backend this model's variables live on. */
  readonly backendName: string;
}

export class TfjsModel implements TrainableModel {
  /** The Layers model the steps train and run. */
  readonly network: tfl.LayersModel;
  /** Its optimiser, with its slots (momentum, Adam's moments) for these variables. */
  readonly optimizer: tf.Optimizer;

  constructor(private readonly parts: ModelParts) {
    this.network = parts.network;
    this.optimizer = parts.optimizer;
  }

  async trainEpoch(batches: Iterable<Batch>, report: StepReporter): Promise<void> {
    await activateBackend(this.parts.backendName);
    if (this.profile === null) {
      await this.parts.steps.trainEpoch(this, batches, report);
      return;
    }
    for (const batch of batches) report(await this.profiledStep(batch, this.profile));
  }

  /** While profileKernels runs: the kernels of every step so far. */
  private profile: KernelEvent[] | null = null;

  /**
   * The kernels `train` runs, timed by TF.js's own profiler (`tf.profile`), one training
   * step at a time: tf.profile takes the largest of its kernels' memory snapshots with
   * Math.max(...kernels), which overflows the call stack at about 100,000 kernels (a few GRU
   * steps). tf.profile also records the ops that run a function of their own (customGrad,
   * e.g. `fusedMatMul__op`) around the kernels that function runs: those are left out, so
   * that no time is counted twice. A kernel that ran another kernel through the engine
   * would still be (the shares would add up to more than the step).
   */
  profileKernels(train: () => Promise<void>): Promise<readonly KernelEvent[]> {
    return recordKernelEvents(train, (events) => (this.profile = events));
  }

  private async profiledStep(batch: Batch, events: KernelEvent[]): Promise<Float32Array> {
    let losses: Float32Array = new Float32Array(0);
    const info = await tf.profile(async () => {
      losses = await this.parts.steps.trainStep(this, batch);
    });
    for (const kernel of info.kernels) {
      if (tf.getKernel(kernel.name, this.parts.backendName) === undefined) continue;
      const ms = kernel.kernelTimeMs;
      if (typeof ms !== 'number') throw new Error(`tf.profile could not time ${kernel.name}: ${JSON.stringify(ms)}`);
      events.push({ name: kernel.name, ms });
    }
    return losses;
  }

  async predict(batch: Batch): Promise<Float32Array> {
    await activateBackend(this.parts.backendName);
    const logits = await this.parts.steps.predict(this, batch);
    // A copy: on the cpu backend data() hands out the tensor's own storage.
    const values = new Float32Array(await logits.data());
    logits.dispose();
    return values;
  }

  async evaluate(batch: Batch): Promise<number> {
    await activateBackend(this.parts.backendName);
    const { steps } = this.parts;
    const logits = await steps.predict(this, batch);
    // The labels alone: the model file's `input` would copy the inputs in again, which predict has done.
    const accuracy = tf.tidy(() => steps.accuracy(logits, tf.tensor1d(batch.y, 'int32')));
    logits.dispose();
    const [value] = await accuracy.data();
    accuracy.dispose();
    return value!;
  }

  async weights(): Promise<Map<string, Tensor>> {
    await activateBackend(this.parts.backendName);
    return getCanonicalWeights(this.network, this.parts.bindings);
  }

  dispose(): void {
    this.optimizer.dispose();
    this.network.dispose();
  }
}

/**
 * TF.js has one active backend per process. Another TF.js backend may have been made
 * active since a model was built (a parity run trains several in one process); the
 * model's variables must not be moved there, so each entry point switches back first.
 */
export async function activateBackend(name: string): Promise<void> {
  if (tf.getBackend() !== name && !(await tf.setBackend(name))) {
    throw new Error(`TF.js backend "${name}" could not be made active again`);
  }
}
