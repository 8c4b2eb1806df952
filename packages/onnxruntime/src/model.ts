/**
 * The harness's TrainableModel for both ONNX Runtime models. A model file (cnn.ts, rnn.ts)
 * holds the steps (the harness's ModelFile: the batch as tensors, the training loop and step,
 * prediction) and the graphs compiled from it; this class owns the sessions and the state, and
 * calls the steps. ONNX Runtime only runs inference, so a training step is one run of a graph
 * that computes forward, backward and the optimiser update, and hands back the updated
 * parameters and optimiser state. They stay ORT tensors and are fed straight back into the next
 * run as they are; the only copy is the one onnxruntime-node makes of every output.
 *
 * Two ways to run a step, both through the model file's `trainStep`:
 * - one `run` per batch (the step graph), or
 * - one `run` per chunk of K batches (the chunk graph: an ONNX Loop over [K, batch, ...]
 *   inputs), so that a GPU keeps the parameters on the device for K steps instead of
 *   copying them in and out every step.
 *
 * A provider without a Loop kernel (WebGPU) keeps the state on the device another way: the
 * step graph's state outputs stay in device memory ("gpu-buffer") and are fed back as they
 * are; only the batch goes in and the loss comes out. Reading the state (weights, export)
 * then takes one run of a graph that copies it out.
 */
import { writeFileAtomic, type Batch } from '@rosetta/data';
import type { FrameworkTypes, KernelEvent, ModelFile, ModelName, ModelOptions, StepReporter, TrainableModel } from '@rosetta/harness';
import { Graph, serializeModel, type Optimizer, type Tensor, type TrainingNames } from '@rosetta/onnx-graph';
import * as ort from 'onnxruntime-node';
import { OrtProfiler } from './profile.js';
import type { StateTensor, TrainingProgram } from './program.js';
import type { Provider } from './provider.js';
import type { Forward } from './training-graph.js';

type Feeds = Record<string, ort.Tensor>;

/** A batch as ORT tensors: x [..., batch, ...] and int32 labels y [..., batch]. */
export interface BatchTensors {
  readonly x: ort.Tensor;
  readonly y: ort.Tensor;
}

/**
 * What one `trainStep` takes: K batches stacked as a training graph takes them, [K, batch, ...],
 * and the session of that graph (the step graph for K = 1, the chunk graph's Loop for K > 1).
 */
export interface TrainingBatch extends BatchTensors {
  readonly session: ort.InferenceSession;
}

/** What the training graphs carry from one run to the next, and the names they use for it. */
export interface TrainingState {
  readonly names: TrainingNames;
  /** Every state tensor (parameters, optimiser slots, step count) by its input name. */
  readonly tensors: Feeds;
}

/**
 * ONNX Runtime's type for each role of a model file: ORT tensors for data, onnx-graph's graph
 * values for what becomes graph nodes (buildModel's forward pass, the loss, the optimiser, the
 * accuracy), and the execution provider to run on.
 */
export interface OrtTypes<M extends ModelName = ModelName> extends FrameworkTypes {
  readonly tensor: ort.Tensor;
  readonly operand: Tensor;
  readonly model: Forward<M>;
  readonly optimizer: Optimizer;
  readonly trainable: OrtModel;
  readonly batch: TrainingBatch;
  readonly runtime: Provider;
}

/** The steps of a model file this class calls (its accuracy is a node of the evaluation graph). */
export type OrtSteps = Pick<ModelFile<OrtTypes>, 'input' | 'trainEpoch' | 'predict'>;

/** One batch as the training graph takes it: a leading axis of K = 1 over the same buffers. */
function stepOf({ x, y }: BatchTensors): BatchTensors {
  return { x: x.reshape([1, ...x.dims]), y: y.reshape([1, ...y.dims]) };
}

function tensor(data: Float32Array | Int32Array, shape: readonly number[]): ort.Tensor {
  return data instanceof Float32Array ? new ort.Tensor('float32', data, shape) : new ort.Tensor('int32', data, shape);
}

/**
 * Gathers K batches into [K, ...] buffers for the chunk graph. The iterator refills one
 * batch buffer in place, so each batch is copied once, here, into its slot.
 */
class ChunkBuffer {
  private x: Float32Array | Int32Array | undefined;
  private y: Int32Array | undefined;
  private shape: readonly number[] = [];
  private count = 0;

  constructor(private readonly capacity: number) {}

  add(batch: Batch): void {
    if (this.x === undefined) {
      this.x = batch.kind === 'image' ? new Float32Array(batch.x.length * this.capacity) : new Int32Array(batch.x.length * this.capacity);
      this.y = new Int32Array(batch.size * this.capacity);
      this.shape = batch.shape;
    }
    this.x.set(batch.x, this.count * batch.x.length);
    this.y!.set(batch.y, this.count * batch.size);
    this.count++;
  }

  get full(): boolean {
    return this.count === this.capacity;
  }

  /** The full chunk as [K, ...] tensors over the buffers (no copy); empties the buffer. */
  take(): BatchTensors {
    this.count = 0;
    return { x: tensor(this.x!, [this.capacity, ...this.shape]), y: tensor(this.y!, [this.capacity, this.shape[0]!]) };
  }

  /** The batches of a partial chunk, one by one (views into the buffers); empties the buffer. */
  *remaining(): Generator<BatchTensors> {
    const count = this.count;
    this.count = 0;
    if (count === 0) return;
    const perX = this.x!.length / this.capacity;
    const perY = this.y!.length / this.capacity;
    for (let i = 0; i < count; i++) {
      yield { x: tensor(this.x!.subarray(i * perX, (i + 1) * perX), [1, ...this.shape]), y: tensor(this.y!.subarray(i * perY, (i + 1) * perY), [1, perY]) };
    }
  }
}

/**
 * The inference and evaluation graphs have static shapes too: one session per batch size
 * `predict` or `evaluate` is given, created on first use and kept. The training batch size's
 * are created with the model, outside every timer; batch 1's during the runner's latency
 * warm-up.
 */
class SessionsBySize {
  private readonly sessions = new Map<number, Promise<ort.InferenceSession>>();

  constructor(private readonly graph: (batchSize: number) => Uint8Array, private readonly options: ort.InferenceSession.SessionOptions) {}

  get(batchSize: number): Promise<ort.InferenceSession> {
    let session = this.sessions.get(batchSize);
    if (session === undefined) {
      session = ort.InferenceSession.create(this.graph(batchSize), this.options);
      this.sessions.set(batchSize, session);
    }
    return session;
  }

  async release(): Promise<void> {
    await Promise.all([...this.sessions.values()].map(async (session) => (await session).release()));
  }
}

/** A graph that hands every state tensor back as an output: run on device-resident state, it copies the state to host memory. */
function readbackGraph(state: readonly StateTensor[]): Uint8Array {
  const g = new Graph('readback');
  for (const { name, shape } of state) g.output(g.input(name, 'float32', shape), `host.${name}`);
  return serializeModel(g);
}

/** Session options of a training graph: with the state on the device, every state output stays there. */
function trainingOptions(provider: Provider, names: TrainingNames, state: readonly StateTensor[]): ort.InferenceSession.SessionOptions {
  if (!provider.stateOnDevice) return provider.options;
  const onDevice = state.map(({ name }): [string, 'gpu-buffer'] => [names.next(name), 'gpu-buffer']);
  return { ...provider.options, preferredOutputLocation: Object.fromEntries([...onDevice, [names.loss, 'cpu']]) };
}

export class OrtModel implements TrainableModel {
  private constructor(
    private readonly program: TrainingProgram,
    private readonly steps: OrtSteps,
    private readonly step: ort.InferenceSession,
    private readonly chunk: ort.InferenceSession | null,
    readonly stepsPerRun: number,
    private readonly inference: SessionsBySize,
    private readonly evaluation: SessionsBySize,
    /** The state the training runs take and update: fed to each run, replaced by its outputs. */
    readonly state: TrainingState,
    private readonly profiler: OrtProfiler | null,
    private readonly readback: ort.InferenceSession | null,
  ) {}

  /**
   * Session creation (graph optimisation, kernel selection) happens here, outside the training
   * timer. `options.stepsPerRun` (default: the provider's) chooses the step graph (1) or the
   * Loop graph (K); `options.profile` records ONNX Runtime's session profiles for
   * `profileKernels` (benches: it slows runs down).
   */
  static async create(program: TrainingProgram, steps: OrtSteps, provider: Provider, options: Pick<ModelOptions, 'stepsPerRun' | 'profile'>): Promise<OrtModel> {
    const k = options.stepsPerRun ?? provider.stepsPerRun;
    if (!Number.isInteger(k) || k < 1) throw new Error(`onnxruntime: stepsPerRun must be a positive integer, got ${k}`);
    const profiler = options.profile ? await OrtProfiler.create() : null;
    const state = program.initialState();
    const sessionOptions = trainingOptions(provider, program.names, state);
    const training = (name: string) => profiler?.sessionOptions(sessionOptions, name) ?? sessionOptions;
    const step = await ort.InferenceSession.create(program.training(1), training('step'));
    // The Loop's trip count is part of the chunk graph; an epoch's last, shorter chunk runs
    // step by step on the step graph.
    const chunk = k > 1 ? await ort.InferenceSession.create(program.training(k), training('chunk')) : null;
    const inference = new SessionsBySize((size) => program.inference(size), provider.options);
    const evaluation = new SessionsBySize((size) => program.evaluation(size), provider.options);
    await Promise.all([inference.get(program.batchSize), evaluation.get(program.batchSize)]);
    const readback = provider.stateOnDevice ? await ort.InferenceSession.create(readbackGraph(state), provider.options) : null;
    const tensors: Feeds = {};
    for (const s of state) tensors[s.name] = new ort.Tensor('float32', s.data, s.shape);
    return new OrtModel(program, steps, step, chunk, k, inference, evaluation, { names: program.names, tensors }, profiler, readback);
  }

  trainEpoch(batches: Iterable<Batch>, report: StepReporter): Promise<void> {
    return this.steps.trainEpoch(this, batches, report);
  }

  /**
   * `batches` as the training graphs take them, in order: one by one for the step graph, or in
   * chunks of K for the chunk graph and an epoch's last, shorter chunk batch by batch. The
   * caller trains on each before it asks for the next (the iterator refills its batch buffers in
   * place). After each step, state it replaced that lives in device memory is released (the
   * garbage collector knows nothing of device memory) and the profiler notes the run.
   */
  *trainingBatches(batches: Iterable<Batch>): Generator<TrainingBatch> {
    if (this.chunk === null) {
      for (const batch of batches) {
        this.checkSize(batch);
        yield* this.run(this.step, stepOf(this.steps.input(batch)));
      }
      return;
    }
    const buffer = new ChunkBuffer(this.stepsPerRun);
    for (const batch of batches) {
      this.checkSize(batch);
      buffer.add(batch);
      if (buffer.full) yield* this.run(this.chunk, buffer.take());
    }
    for (const tensors of buffer.remaining()) yield* this.run(this.step, tensors);
  }

  private *run(session: ort.InferenceSession, batch: BatchTensors): Generator<TrainingBatch> {
    const before = Object.entries(this.state.tensors);
    yield { ...batch, session };
    for (const [name, tensor] of before) if (tensor.location === 'gpu-buffer' && this.state.tensors[name] !== tensor) tensor.dispose();
    this.profiler?.ran(session);
  }

  /** ONNX Runtime's profile of the training runs `train` makes, by op type; once per trainer created with `profile`. */
  profileKernels(train: () => Promise<void>): Promise<readonly KernelEvent[]> {
    if (this.profiler === null) throw new Error('onnxruntime: profileKernels needs a trainer created with the profile option');
    return this.profiler.profile({ step: this.step, ...(this.chunk && { chunk: this.chunk }) }, train);
  }

  /** The graphs have a static batch size; say so rather than let ORT report a shape mismatch. */
  private checkSize(batch: Batch): void {
    if (batch.size !== this.program.batchSize) {
      throw new Error(`onnxruntime: the ${this.program.model} graphs take batches of ${this.program.batchSize}, got batch ${batch.index} of ${batch.size}`);
    }
  }

  /** The current parameters by name: what the inference and evaluation graphs take besides the batch. */
  parameters(): Feeds {
    return Object.fromEntries(this.program.names.params.map((name) => [name, this.state.tensors[name]!]));
  }

  /** The session of the inference graph for batches of `batchSize` (x, parameters -> logits). */
  inferenceSession(batchSize: number): Promise<ort.InferenceSession> {
    return this.inference.get(batchSize);
  }

  async predict(batch: Batch): Promise<Float32Array> {
    const logits = await this.steps.predict(this, batch);
    return logits.data as Float32Array;
  }

  /** One run of the evaluation graph: the model file's forward pass, dropout off, then its accuracy. */
  async evaluate(batch: Batch): Promise<number> {
    const { accuracy } = await (await this.evaluation.get(batch.size)).run({ ...this.steps.input(batch), ...this.parameters() });
    return (accuracy!.data as Float32Array)[0]!;
  }

  async weights(): Promise<Map<string, { shape: readonly number[]; data: Float32Array }>> {
    const state = await this.stateTensors();
    return new Map(this.program.names.params.map((name) => [name, state.get(name)!]));
  }

  /**
   * Writes a plain inference model (x -> logits, batches of the training batch size) with the
   * current weights baked in as initialisers: it runs anywhere ONNX runs, without this code.
   */
  async exportInferenceModel(path: string): Promise<void> {
    await writeFileAtomic(path, this.program.exportInference(await this.weights()));
  }

  /** Current values of every state tensor (parameters, optimiser slots, step count) in host memory, by name. */
  async stateTensors(): Promise<Map<string, { shape: readonly number[]; data: Float32Array }>> {
    const tensors = this.state.tensors;
    const host = this.readback === null ? tensors : await this.readback.run(tensors);
    return new Map(Object.keys(tensors).map((name) => {
      const t = this.readback === null ? host[name]! : host[`host.${name}`]!;
      return [name, { shape: t.dims, data: t.data as Float32Array }];
    }));
  }

  dispose(): void {
    for (const tensor of Object.values(this.state.tensors)) if (tensor.location === 'gpu-buffer') tensor.dispose();
    const released = Promise.all([this.step.release(), this.chunk?.release(), this.inference.release(), this.evaluation.release(), this.readback?.release()]);
    // After the sessions: one still profiling writes its trace when released.
    if (this.profiler !== null) void released.then(() => this.profiler!.dispose());
  }
}
