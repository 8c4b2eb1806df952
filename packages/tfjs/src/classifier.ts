/**
 * The training loop, prediction and weight export shared by both TF.js models: the parts
 * of the harness's TrainableModel that do not depend on the architecture. Each model file
 * (cnn.ts, rnn.ts) supplies its input tensors, layers, optimiser and weight layout.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Batch } from '@rosetta/data';
import type { KernelEvent, StepReporter, Tensor, TrainableModel } from '@rosetta/harness';
import type { WeightBinding } from './layout.js';
import { getCanonicalWeights } from './layer-weights.js';
import { sparseSoftmaxCrossEntropy } from './loss.js';

export interface ClassifierParts {
  readonly model: tfl.LayersModel;
  readonly optimizer: tf.Optimizer;
  readonly bindings: readonly WeightBinding[];
  /**
   * The model's input tensor for one batch, made from the batch's typed array on the
   * active backend. It may alias the iterator's reused buffer (the cpu backend does not
   * copy), so it must be disposed before the next batch is pulled.
   */
  readonly input: (batch: Batch) => tf.Tensor;
  /** The TF.js backend this model's variables live on. */
  readonly backendName: string;
}

export class TfjsClassifier implements TrainableModel {
  private readonly variables: tf.Variable[];

  constructor(private readonly parts: ClassifierParts) {
    // LayerVariable.read() is the tf.Variable itself; the optimiser keeps its slots
    // (momentum, Adam moments) by position in this list, so it is built once.
    this.variables = parts.model.trainableWeights.map((w) => w.read() as tf.Variable);
  }

  /** One optimiser step per batch, dropout active (if the model has it). */
  async trainEpoch(batches: Iterable<Batch>, report: StepReporter): Promise<void> {
    await activateBackend(this.parts.backendName);
    const { model, optimizer, input } = this.parts;
    for (const batch of batches) {
      const loss = tf.tidy(() => {
        const x = input(batch);
        const labels = tf.tensor1d(batch.y, 'int32');
        const lossOf = (): tf.Scalar =>
          sparseSoftmaxCrossEntropy(model.apply(x, { training: true }) as tf.Tensor2D, labels);
        return optimizer.minimize(lossOf, true, this.variables)!;
      });
      // Reading the loss is the synchronisation point: the step is done when it is known.
      const value = loss.dataSync()[0]!;
      loss.dispose();
      report(Float32Array.of(value));
    }
  }

  /**
   * The kernels `train` runs, timed by TF.js's own profiler (`tf.profile`). Kernels that a
   * kernel runs through the engine are recorded too, inside their caller's time.
   */
  async profileKernels(train: () => Promise<void>): Promise<readonly KernelEvent[]> {
    const info = await tf.profile(train);
    return info.kernels.map((kernel) => {
      const ms = kernel.kernelTimeMs;
      if (typeof ms !== 'number') throw new Error(`tf.profile could not time ${kernel.name}: ${JSON.stringify(ms)}`);
      return { name: kernel.name, ms };
    });
  }

  /** Logits in inference mode: dropout is the identity. */
  async predict(batch: Batch): Promise<Float32Array> {
    await activateBackend(this.parts.backendName);
    const logits = tf.tidy(() => this.parts.model.apply(this.parts.input(batch), { training: false }) as tf.Tensor);
    // A copy: on the cpu backend dataSync hands out the tensor's own storage.
    const values = new Float32Array(logits.dataSync());
    logits.dispose();
    return values;
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
