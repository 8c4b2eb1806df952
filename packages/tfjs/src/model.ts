/**
 * The harness's TrainableModel for both TF.js models: the parts that do not depend on the
 * architecture. A model file (cnn.ts, rnn.ts) holds the steps themselves (build the model,
 * train on one batch, predict, accuracy); this class calls them for every batch of an
 * epoch, switches to the model's backend first, and hands the weights back in the
 * canonical layout.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Batch } from '@rosetta/data';
import { recordKernelEvents, type KernelEvent, type StepReporter, type Tensor, type TrainableModel } from '@rosetta/harness';
import type { WeightBinding } from './layout.js';
import { getCanonicalWeights } from './layer-weights.js';

/** Steps 4 to 6 of a model file. */
export interface ModelSteps {
  /** One optimiser step on one batch; resolves to its loss, read back (the step is done then). */
  trainStep(model: tfl.LayersModel, optimizer: tf.Optimizer, batch: Batch): Promise<number>;
  /** A step on every batch, in order, each loss reported. */
  trainEpoch(model: tfl.LayersModel, optimizer: tf.Optimizer, batches: Iterable<Batch>, report: (loss: number) => void): Promise<void>;
  /** Logits [batch, classes] in inference mode. */
  predict(model: tfl.LayersModel, batch: Batch): tf.Tensor2D;
  /** mean(argmax(logits) == label) over the batch. */
  accuracy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar;
}

export interface ModelParts {
  readonly model: tfl.LayersModel;
  readonly optimizer: tf.Optimizer;
  readonly bindings: readonly WeightBinding[];
  readonly steps: ModelSteps;
  /** The TF.js backend this model's variables live on. */
  readonly backendName: string;
}

export class TfjsModel implements TrainableModel {
  constructor(private readonly parts: ModelParts) {}

  async trainEpoch(batches: Iterable<Batch>, report: StepReporter): Promise<void> {
    await activateBackend(this.parts.backendName);
    const { model, optimizer, steps } = this.parts;
    if (this.profile === null) {
      await steps.trainEpoch(model, optimizer, batches, (loss) => report(Float32Array.of(loss)));
      return;
    }
    for (const batch of batches) report(Float32Array.of(await this.profiledStep(batch, this.profile)));
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

  private async profiledStep(batch: Batch, events: KernelEvent[]): Promise<number> {
    const { model, optimizer, steps } = this.parts;
    let loss = NaN;
    const info = await tf.profile(async () => {
      loss = await steps.trainStep(model, optimizer, batch);
    });
    for (const kernel of info.kernels) {
      if (tf.getKernel(kernel.name, this.parts.backendName) === undefined) continue;
      const ms = kernel.kernelTimeMs;
      if (typeof ms !== 'number') throw new Error(`tf.profile could not time ${kernel.name}: ${JSON.stringify(ms)}`);
      events.push({ name: kernel.name, ms });
    }
    return loss;
  }

  async predict(batch: Batch): Promise<Float32Array> {
    await activateBackend(this.parts.backendName);
    const logits = this.parts.steps.predict(this.parts.model, batch);
    // A copy: on the cpu backend data() hands out the tensor's own storage.
    const values = new Float32Array(await logits.data());
    logits.dispose();
    return values;
  }

  async evaluate(batch: Batch): Promise<number> {
    await activateBackend(this.parts.backendName);
    const { model, steps } = this.parts;
    const accuracy = tf.tidy(() => steps.accuracy(steps.predict(model, batch), tf.tensor1d(batch.y, 'int32')));
    const [value] = await accuracy.data();
    accuracy.dispose();
    return value!;
  }

  async weights(): Promise<Map<string, Tensor>> {
    await activateBackend(this.parts.backendName);
    return getCanonicalWeights(this.parts.model, this.parts.bindings);
  }

  dispose(): void {
    this.parts.optimizer.dispose();
    this.parts.model.dispose();
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
