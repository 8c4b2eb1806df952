/**
 * ONNX Runtime's own profiler for the bench (TrainableModel.profileKernels). A session
 * created with `enableProfiling` records every node it runs and writes the records as a
 * Chrome trace-event JSON file when profiling ends; onnxruntime-node cannot start profiling
 * later (its startProfiling does nothing), so the warm-up runs are in the trace too and are
 * skipped here by counting runs.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseJson } from '@rosetta/data';
import type { KernelEvent } from '@rosetta/harness';
import type ort from 'onnxruntime-node';

/** The fields of a trace event that are read here (ONNX Runtime's profiler writes more). */
export interface TraceEvent {
  /** "Session" (model_run, session_initialization, ...) or "Node" (one node's kernel). */
  readonly cat: string;
  readonly name: string;
  /** Start and duration, in microseconds from the start of profiling. */
  readonly ts: number;
  readonly dur: number;
  readonly args?: { readonly op_name?: string };
}

/**
 * A Loop's (or Scan's, or If's) own event spans its whole body, whose nodes the trace also
 * lists one by one: counting both would count the body twice.
 */
const CONTROL_FLOW = new Set(['Loop', 'Scan', 'If']);

/** Reads a trace file's text; `file` names it in errors. */
export function parseTrace(text: string, file: string): TraceEvent[] {
  const json = parseJson(text, file);
  if (!Array.isArray(json)) throw new Error(`${file}: expected an array of trace events`);
  json.forEach((event: unknown, i) => {
    const e = event as Partial<TraceEvent> | null;
    if (typeof e !== 'object' || e === null || typeof e.cat !== 'string' || typeof e.name !== 'string' || typeof e.ts !== 'number' || typeof e.dur !== 'number') {
      throw new Error(`${file}: event ${i} lacks a string cat and name and a numeric ts and dur: ${JSON.stringify(event)}`);
    }
  });
  return json as TraceEvent[];
}

/**
 * The node events of every run after the first `skipRuns`, as kernel events named by op
 * type (control-flow nodes left out, their bodies kept).
 */
export function opEvents(trace: readonly TraceEvent[], skipRuns: number, file: string): KernelEvent[] {
  const runs = trace.filter((e) => e.cat === 'Session' && e.name === 'model_run').sort((a, b) => a.ts - b.ts);
  if (runs.length < skipRuns) throw new Error(`${file}: ${runs.length} runs recorded, expected more than ${skipRuns}`);
  const kept = runs.slice(skipRuns);
  const events: KernelEvent[] = [];
  for (const e of trace) {
    if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time')) continue;
    const op = e.args?.op_name;
    if (op === undefined) throw new Error(`${file}: node event ${e.name} has no args.op_name`);
    if (CONTROL_FLOW.has(op) || !kept.some((run) => e.ts >= run.ts && e.ts <= run.ts + run.dur)) continue;
    events.push({ name: op, ms: e.dur / 1000 });
  }
  return events;
}

/** The profiling of one trainer's sessions: where their traces go, and how many runs each made. */
export class OrtProfiler {
  private readonly runs = new Map<ort.InferenceSession, number>();

  private constructor(private readonly dir: string) {}

  static async create(): Promise<OrtProfiler> {
    return new OrtProfiler(await mkdtemp(join(tmpdir(), 'rosetta-ort-profile-')));
  }

  /**
   * `options` with profiling on, the trace under its own prefix: ONNX Runtime names trace
   * files to the second, so two sessions created within one second would share a file.
   */
  sessionOptions(options: ort.InferenceSession.SessionOptions, name: string): ort.InferenceSession.SessionOptions {
    return { ...options, enableProfiling: true, profileFilePrefix: join(this.dir, name) };
  }

  /** Counts one run of `session`. */
  ran(session: ort.InferenceSession): void {
    this.runs.set(session, (this.runs.get(session) ?? 0) + 1);
  }

  /**
   * Runs `train`, ends the sessions' profiling and returns the node events of the runs
   * `train` made. Profiling cannot restart, so this works once.
   */
  async profile(sessions: Readonly<Record<string, ort.InferenceSession>>, train: () => Promise<void>): Promise<KernelEvent[]> {
    const before = new Map(Object.values(sessions).map((session) => [session, this.runs.get(session) ?? 0]));
    await train();
    const events: KernelEvent[] = [];
    for (const [name, session] of Object.entries(sessions)) {
      session.endProfiling();
      const written = (await readdir(this.dir)).filter((f) => f.startsWith(`${name}_`) && f.endsWith('.json'));
      if (written.length !== 1) throw new Error(`onnxruntime: expected one profile of the ${name} session in ${this.dir}, found ${written.length}`);
      const file = join(this.dir, written[0]!);
      events.push(...opEvents(parseTrace(await readFile(file, 'utf8'), file), before.get(session)!, file));
    }
    await this.dispose();
    return events;
  }

  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
