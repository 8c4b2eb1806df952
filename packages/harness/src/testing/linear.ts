/**
 * A linear softmax classifier in plain TypeScript: the smallest real model that can go
 * through the whole harness (iterator, step reports, timing, evaluation, results file)
 * without any deep-learning library. Used only by tests, loaded as a ROSETTA_FRAMEWORKS
 * plugin. It ignores the SPEC.md architecture and the shared weights, and says so.
 *
 * Images are read as 3,072 pixel features (either layout: a linear model does not care
 * about the order of its inputs); a review as a set of words (1 for each token present,
 * padding excluded). Training is plain SGD with momentum, v = m v + g; w = w - lr v.
 */
import type { Batch } from '@rosetta/data';
import { BackendUnavailableError, recordKernelEvents, type Backend, type Framework, type KernelEvent, type StepReporter, type TrainableModel } from '../framework.js';
import { CNN_SPEC, MODEL_SPECS, RNN_SPEC, type ModelName } from '../spec.js';

type Visit = (feature: number, value: number) => void;

function forEachFeature(batch: Batch, sample: number, visit: Visit): void {
  if (batch.kind === 'image') {
    const width = batch.x.length / batch.size;
    // Centred pixels: all-positive inputs would make one direction (overall brightness)
    // dominate the gradient and slow plain SGD down.
    for (let j = 0; j < width; j++) visit(j, batch.x[sample * width + j]! - 0.5);
    return;
  }
  const length = batch.shape[1];
  const present = new Set(batch.x.subarray(sample * length, (sample + 1) * length));
  present.delete(0); // padding
  for (const token of present) visit(token, 1);
}

function featureCount(model: ModelName): number {
  return model === 'cnn' ? CNN_SPEC.channels * CNN_SPEC.imageSize ** 2 : RNN_SPEC.vocabularySize;
}

export class LinearModel implements TrainableModel {
  private readonly kernel: Float32Array;
  private readonly bias: Float32Array;
  private readonly kernelVelocity: Float32Array;
  private readonly biasVelocity: Float32Array;

  constructor(
    private readonly features: number,
    private readonly classes: number,
    private readonly learningRate: number,
    private readonly momentum: number,
    /** Steps per report: K > 1 reports full chunks of K, and the rest one by one, as ONNX Runtime's Loop does. */
    readonly stepsPerRun = 1,
  ) {
    this.kernel = new Float32Array(features * classes);
    this.bias = new Float32Array(classes);
    this.kernelVelocity = new Float32Array(features * classes);
    this.biasVelocity = new Float32Array(classes);
  }

  private logits(batch: Batch, sample: number): Float64Array {
    const logits = Float64Array.from(this.bias);
    forEachFeature(batch, sample, (j, value) => {
      for (let c = 0; c < this.classes; c++) logits[c]! += value * this.kernel[j * this.classes + c]!;
    });
    return logits;
  }

  /** One SGD-momentum step on the batch; returns the mean cross-entropy before the update. */
  step(batch: Batch): number {
    const kernelGradient = new Float32Array(this.kernel.length);
    const biasGradient = new Float32Array(this.classes);
    let loss = 0;
    for (let i = 0; i < batch.size; i++) {
      const logits = this.logits(batch, i);
      const max = Math.max(...logits);
      const exps = logits.map((z) => Math.exp(z - max));
      const sum = exps.reduce((a, b) => a + b, 0);
      const label = batch.y[i]!;
      loss += Math.log(sum) + max - logits[label]!;
      // d(loss)/d(logit c) = softmax(c) - [c == label], averaged over the batch.
      const delta = exps.map((e, c) => (e / sum - (c === label ? 1 : 0)) / batch.size);
      for (let c = 0; c < this.classes; c++) biasGradient[c]! += delta[c]!;
      forEachFeature(batch, i, (j, value) => {
        for (let c = 0; c < this.classes; c++) kernelGradient[j * this.classes + c]! += value * delta[c]!;
      });
    }
    this.update(this.kernel, this.kernelVelocity, kernelGradient);
    this.update(this.bias, this.biasVelocity, biasGradient);
    return loss / batch.size;
  }

  private update(weights: Float32Array, velocity: Float32Array, gradient: Float32Array): void {
    for (let k = 0; k < weights.length; k++) {
      velocity[k] = this.momentum * velocity[k]! + gradient[k]!;
      weights[k]! -= this.learningRate * velocity[k]!;
    }
  }

  async trainEpoch(batches: Iterable<Batch>, report: StepReporter): Promise<void> {
    // Tests that stop a run midway need training to take a while: ROSETTA_LINEAR_STEP_DELAY_MS.
    const delay = Number(process.env['ROSETTA_LINEAR_STEP_DELAY_MS'] ?? 0);
    let chunk: number[] = [];
    for (const batch of batches) {
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      chunk.push(this.profiledStep(batch));
      if (chunk.length === this.stepsPerRun) {
        report(Float32Array.from(chunk));
        chunk = [];
      }
    }
    for (const loss of chunk) report(Float32Array.of(loss));
  }

  /**
   * There is no profiler in plain TypeScript: this times each step as one "LinearStep"
   * event, enough to carry a profile through the bench in tests.
   */
  profileKernels(train: () => Promise<void>): Promise<readonly KernelEvent[]> {
    return recordKernelEvents(train, (events) => (this.profile = events));
  }

  private profile: KernelEvent[] | null = null;

  private profiledStep(batch: Batch): number {
    if (this.profile === null) return this.step(batch);
    const start = performance.now();
    const loss = this.step(batch);
    this.profile.push({ name: 'LinearStep', ms: performance.now() - start });
    return loss;
  }

  async predict(batch: Batch): Promise<Float32Array> {
    const out = new Float32Array(batch.size * this.classes);
    for (let i = 0; i < batch.size; i++) out.set(this.logits(batch, i), i * this.classes);
    return out;
  }

  /** The share of the batch whose largest logit (the first, on a tie) is its label. */
  async evaluate(batch: Batch): Promise<number> {
    let correct = 0;
    for (let i = 0; i < batch.size; i++) {
      const logits = this.logits(batch, i);
      if (logits.indexOf(Math.max(...logits)) === batch.y[i]) correct++;
    }
    return correct / batch.size;
  }

  async weights(): Promise<Map<string, { shape: readonly number[]; data: Float32Array }>> {
    return new Map([
      ['linear.weight', { shape: [this.features, this.classes], data: Float32Array.from(this.kernel) }],
      ['linear.bias', { shape: [this.classes], data: Float32Array.from(this.bias) }],
    ]);
  }

  dispose(): void {}
}

export interface LinearFrameworkOptions {
  readonly name: string;
  readonly learningRate: number;
  readonly momentum: number;
  /** When set, load() fails with this reason, as a backend without its library would. */
  readonly unavailableReason?: string;
  /** Steps per report unless ModelOptions.stepsPerRun asks for another (default 1). */
  readonly stepsPerRun?: number;
}

export function linearFramework(options: LinearFrameworkOptions): Framework {
  const backend: Backend = {
    info: {
      framework: options.name,
      backend: 'plain TypeScript',
      device: 'cpu',
      versions: {},
      deviations: ['test adapter: a linear softmax classifier, not the SPEC.md model; ignores the shared initial weights'],
    },
    input: { layout: 'NCHW', labels: 'sparse' },
    createModel: async ({ model, stepsPerRun }) =>
      new LinearModel(
        featureCount(model), MODEL_SPECS[model].classes, options.learningRate, options.momentum,
        stepsPerRun ?? options.stepsPerRun ?? 1,
      ),
  };
  return {
    name: options.name,
    description: `linear softmax classifier in plain TypeScript (tests only), SGD lr ${options.learningRate}`,
    load: async () => {
      if (options.unavailableReason !== undefined) throw new BackendUnavailableError(options.unavailableReason);
      return backend;
    },
  };
}

/**
 * The plugin's frameworks: one that learns, one that diverges, one that cannot load, and
 * one that reports its steps in chunks of 4 (a backend with an ONNX Loop, for the bench).
 */
export const frameworks: Framework[] = [
  linearFramework({ name: 'linear', learningRate: 0.01, momentum: 0.9 }),
  // An infinite learning rate makes the first update's weights infinite, so the second
  // step's logits, and its loss, are not finite numbers: a divergence, deterministically.
  linearFramework({ name: 'linear-diverging', learningRate: Infinity, momentum: 0.9 }),
  linearFramework({
    name: 'linear-unavailable',
    learningRate: 0.01,
    momentum: 0.9,
    unavailableReason: 'linear-unavailable: this test backend never loads (stands in for a missing native library)',
  }),
  linearFramework({ name: 'linear-chunked', learningRate: 0.01, momentum: 0.9, stepsPerRun: 4 }),
];
