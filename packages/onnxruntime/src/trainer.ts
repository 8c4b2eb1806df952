/**
 * The training runner: ONNX Runtime only runs inference, so a training step is one run of a
 * graph that computes forward, backward and the optimiser update, and hands back the updated
 * parameters and optimiser state. They stay ORT tensors and are fed straight back into the
 * next run as they are; the only copy is the one onnxruntime-node makes of every output.
 *
 * Two ways to run a step:
 * - one `run` per batch (the step graph), or
 * - one `run` per chunk of K batches (the chunk graph: an ONNX Loop over [K, batch, ...]
 *   inputs), so that a GPU keeps the parameters on the device for K steps instead of
 *   copying them in and out every step.
 */
import { writeFileAtomic, type Batch } from '@rosetta/data';
import type { KernelEvent, StepReporter, TrainableModel } from '@rosetta/harness';
import ort from 'onnxruntime-node';
import { OrtProfiler } from './profile.js';
import type { TrainingProgram } from './program.js';
import type { Provider } from './provider.js';

type Feeds = Record<string, ort.Tensor>;

/** One batch as the training graph takes it: a leading axis of K = 1 over the same buffer. */
function batchFeeds(batch: Batch): Feeds {
  return { x: tensor(batch.x, [1, ...batch.shape]), y: tensor(batch.y, [1, batch.size]) };
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
  take(): Feeds {
    this.count = 0;
    return { x: tensor(this.x!, [this.capacity, ...this.shape]), y: tensor(this.y!, [this.capacity, this.shape[0]!]) };
  }

  /** The batches of a partial chunk, one by one (views into the buffers); empties the buffer. */
  *remaining(): Generator<Feeds> {
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
 * The inference graphs have static shapes too: one session per batch size `predict` is given,
 * created on first use and kept. The training batch size's is created with the trainer,
 * outside every timer; batch 1's during the runner's latency warm-up.
 */
class InferenceSessions {
  private readonly sessions = new Map<number, Promise<ort.InferenceSession>>();

  constructor(private readonly program: TrainingProgram, private readonly options: ort.InferenceSession.SessionOptions) {}

  get(batchSize: number): Promise<ort.InferenceSession> {
    let session = this.sessions.get(batchSize);
    if (session === undefined) {
      session = ort.InferenceSession.create(this.program.inference(batchSize), this.options);
      this.sessions.set(batchSize, session);
    }
    return session;
  }

  async release(): Promise<void> {
    await Promise.all([...this.sessions.values()].map(async (session) => (await session).release()));
  }
}

export interface TrainerOptions {
  /** Steps per `run`: 1 runs the step graph per batch, K > 1 the Loop graph per K batches. */
  readonly stepsPerRun: number;
  /** Record ONNX Runtime's session profiles for `profileKernels` (benches: it slows runs down). */
  readonly profile?: boolean;
}

export class OrtTrainer implements TrainableModel {
  private constructor(
    private readonly program: TrainingProgram,
    private readonly step: ort.InferenceSession,
    private readonly chunk: ort.InferenceSession | null,
    readonly stepsPerRun: number,
    private readonly inference: InferenceSessions,
    private state: Feeds,
    private readonly profiler: OrtProfiler | null,
  ) {}

  /** Session creation (graph optimisation, kernel selection) happens here, outside the training timer. */
  static async create(program: TrainingProgram, provider: Provider, options: TrainerOptions): Promise<OrtTrainer> {
    const k = options.stepsPerRun;
    if (!Number.isInteger(k) || k < 1) throw new Error(`onnxruntime: stepsPerRun must be a positive integer, got ${k}`);
    const profiler = options.profile ? await OrtProfiler.create() : null;
    const training = (name: string) => profiler?.sessionOptions(provider.options, name) ?? provider.options;
    const step = await ort.InferenceSession.create(program.training(1), training('step'));
    // The Loop's trip count is part of the chunk graph; an epoch's last, shorter chunk runs
    // step by step on the step graph.
    const chunk = k > 1 ? await ort.InferenceSession.create(program.training(k), training('chunk')) : null;
    const inference = new InferenceSessions(program, provider.options);
    await inference.get(program.batchSize);
    const state: Feeds = {};
    for (const s of program.state) state[s.name] = new ort.Tensor('float32', s.data.slice(), s.shape);
    return new OrtTrainer(program, step, chunk, k, inference, state, profiler);
  }

  async trainEpoch(batches: Iterable<Batch>, report: StepReporter): Promise<void> {
    if (this.chunk === null) {
      for (const batch of batches) {
        this.checkSize(batch);
        report(await this.run(this.step, batchFeeds(batch)));
      }
      return;
    }
    const buffer = new ChunkBuffer(this.stepsPerRun);
    for (const batch of batches) {
      this.checkSize(batch);
      buffer.add(batch);
      if (buffer.full) report(await this.run(this.chunk, buffer.take()));
    }
    for (const feeds of buffer.remaining()) report(await this.run(this.step, feeds));
  }

  /** Runs a training graph once; its state outputs become the next run's state inputs. */
  private async run(session: ort.InferenceSession, data: Feeds): Promise<Float32Array> {
    const outputs = await session.run({ ...data, ...this.state });
    this.profiler?.ran(session);
    const next: Feeds = {};
    const names = this.program.names;
    for (const s of this.program.state) next[s.name] = outputs[names.next(s.name)]!;
    this.state = next;
    return outputs[names.loss]!.data as Float32Array;
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

  async predict(batch: Batch): Promise<Float32Array> {
    const feeds: Feeds = { x: tensor(batch.x, batch.shape) };
    for (const name of this.program.names.params) feeds[name] = this.state[name]!;
    const { logits } = await (await this.inference.get(batch.size)).run(feeds);
    return logits!.data as Float32Array;
  }

  async weights(): Promise<Map<string, { shape: readonly number[]; data: Float32Array }>> {
    const weights = new Map<string, { shape: readonly number[]; data: Float32Array }>();
    for (const name of this.program.names.params) {
      const t = this.state[name]!;
      weights.set(name, { shape: t.dims, data: t.data as Float32Array });
    }
    return weights;
  }

  /**
   * Writes a plain inference model (x -> logits, batches of the training batch size) with the
   * current weights baked in as initialisers: it runs anywhere ONNX runs, without this code.
   */
  async exportInferenceModel(path: string): Promise<void> {
    await writeFileAtomic(path, this.program.exportInference(await this.weights()));
  }

  /** Current value of any state tensor (parameters and optimiser slots), for tests and export. */
  stateTensor(name: string): { shape: readonly number[]; data: Float32Array } {
    const t = this.state[name];
    if (t === undefined) throw new Error(`onnxruntime: no state tensor named ${name}`);
    return { shape: t.dims, data: t.data as Float32Array };
  }

  dispose(): void {
    const released = Promise.all([this.step.release(), this.chunk?.release(), this.inference.release()]);
    // After the sessions: one still profiling writes its trace when released.
    if (this.profiler !== null) void released.then(() => this.profiler!.dispose());
  }
}
