/**
 * One bench measurement in a process of its own: a backend in a child Node process
 * (bench/child.ts), the PyTorch reference in Python (reference/pytorch/bench.py). Separate
 * processes keep backends from sharing an engine, a thread pool or an allocator (TF.js has
 * one engine per process; native libraries keep their arenas), and make each process's
 * peak RSS the measurement's own. Both sides answer with one bench measurement, validated
 * by the harness's schema.
 */
import { fork, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { BlasSchema, parseBenchResult, PeakCandidateSchema, type Blas, type BenchOptions, type BenchResult, type PeakCandidate } from '@rosetta/harness';

export interface MeasureRequest {
  readonly framework: string;
  /** A profile (the framework's own profiler) instead of a timing. */
  readonly profile: boolean;
  /** Threads for the backend (ROSETTA_THREADS in its process) or PyTorch; default: one per core. */
  readonly threads?: number;
  readonly options: BenchOptions;
}

/** A framework's peak candidates (Framework.peak), measured in a child like a bench measurement. */
export interface PeakRequest {
  readonly peak: true;
  readonly framework: string;
}

/** What the child sends back over the IPC channel. */
export type ChildMessage = { readonly result: unknown } | { readonly error: string };

const CHILD = fileURLToPath(new URL('./child.js', import.meta.url));

/** The last lines of a process's output, for an error message. */
function tail(output: string, lines = 20): string {
  return output.trimEnd().split('\n').slice(-lines).join('\n');
}

/** Runs the measurement in a child Node process; its output is shown only if it fails. */
export async function measureInChild(request: MeasureRequest, child = CHILD): Promise<BenchResult> {
  const env = request.threads === undefined ? process.env : { ...process.env, ROSETTA_THREADS: String(request.threads) };
  return parseBenchResult(await inChild(request, `${request.framework} ${request.options.model}`, child, env), `the bench process of ${request.framework} ${request.options.model}`);
}

/** A framework's peak candidates, measured in a child Node process. */
export async function peakInChild(framework: string, child = CHILD): Promise<PeakCandidate[]> {
  const request: PeakRequest = { peak: true, framework };
  const parsed = z.array(PeakCandidateSchema).safeParse(await inChild(request, `${framework} peak`, child));
  if (!parsed.success) throw new Error(`the peak process of ${framework}: not a list of peak candidates`);
  return parsed.data;
}

function inChild(request: MeasureRequest | PeakRequest, what: string, child: string, env: NodeJS.ProcessEnv = process.env): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const process = fork(child, [JSON.stringify(request)], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env });
    let output = '';
    process.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    process.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    let message: ChildMessage | undefined;
    process.on('message', (m) => (message = m as ChildMessage));
    process.on('error', reject);
    process.on('close', (code, signal) => {
      if (message !== undefined && 'result' in message) resolve(message.result);
      else if (message !== undefined) reject(new Error(message.error));
      else reject(new Error(`the bench process of ${what} ended (${signal ?? `exit code ${code}`}) without a result:\n${tail(output)}`));
    });
  });
}

export interface PythonReference {
  /** The interpreter, e.g. "python3" or "/usr/bin/python3". */
  readonly python: string;
  /** reference/pytorch/bench.py */
  readonly script: string;
}

/** How to get PyTorch, appended to the reason when the reference cannot run. */
export const TORCH_INSTALL_HINT =
  'install PyTorch for that interpreter (Debian: `apt install python3-torch`, for /usr/bin/python3; ' +
  'or `pip install torch`), or point --python at a Python that has it';

/**
 * Runs the PyTorch reference script; an interpreter that cannot be started, or one
 * without torch (the script says so itself), is an `unavailable` reference, not an error.
 */
export function measurePytorch(reference: PythonReference, request: MeasureRequest): Promise<BenchResult> {
  const { options } = request;
  const args = [
    reference.script,
    '--model', options.model,
    '--steps', String(options.steps),
    '--warmup', String(options.warmup),
    ...(options.batchSize === undefined ? [] : ['--batch-size', String(options.batchSize)]),
    ...(options.seed === undefined ? [] : ['--seed', String(options.seed)]),
    ...(request.threads === undefined ? [] : ['--threads', String(request.threads)]),
    ...(request.profile ? ['--profile'] : []),
  ];
  const unavailable = (reason: string): BenchResult => ({
    status: 'unavailable', framework: 'pytorch', model: options.model, reason: `${reason}; ${TORCH_INSTALL_HINT}`,
  });
  return new Promise((resolve, reject) => {
    const process = spawn(reference.python, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    process.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    process.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    process.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'EACCES') resolve(unavailable(`cannot run ${reference.python} (${error.code})`));
      else reject(error);
    });
    // After an 'error' (the interpreter cannot be started) the promise is already settled.
    process.on('close', (code, signal) => {
      if (code !== 0) {
        reject(new Error(`${reference.python} ${reference.script} failed (${signal ?? `exit code ${code}`}):\n${tail(stderr || stdout)}`));
        return;
      }
      const line = stdout.trimEnd().split('\n').at(-1) ?? '';
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        reject(new Error(`${reference.script}: expected one JSON line on stdout, got: ${tail(stdout, 5) || '(nothing)'}`));
        return;
      }
      try {
        const result = parseBenchResult(json, reference.script);
        resolve(result.status === 'unavailable' ? unavailable(`${reference.python}: ${result.reason}`) : result);
      } catch (error) {
        reject(error);
      }
    });
  });
}

/** What this PyTorch loads: refused or labelled by the bench when its BLAS is the reference one. */
export const ProbeSchema = z.object({
  status: z.literal('ok'),
  kind: z.literal('probe'),
  torch: z.string(),
  threads: z.number().int().positive(),
  blas: BlasSchema,
  onednn: z.object({ version: z.string().nullable(), enabled: z.boolean() }),
});
export type PytorchProbe = z.infer<typeof ProbeSchema>;

const PeakOutputSchema = z.object({ status: z.literal('ok'), kind: z.literal('peak'), candidates: z.array(PeakCandidateSchema) });

/** Runs the reference script in another mode and parses its one JSON line; null when PyTorch cannot run. */
function runScript<T>(reference: PythonReference, mode: string, schema: z.ZodType<T>): Promise<T | null> {
  return new Promise((resolve, reject) => {
    const process = spawn(reference.python, [reference.script, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    process.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    process.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    process.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' || error.code === 'EACCES' ? resolve(null) : reject(error)));
    process.on('close', (code, signal) => {
      if (code !== 0) {
        reject(new Error(`${reference.python} ${reference.script} ${mode} failed (${signal ?? `exit code ${code}`}):\n${tail(stderr || stdout)}`));
        return;
      }
      let json: unknown;
      try {
        json = JSON.parse(stdout.trimEnd().split('\n').at(-1) ?? '');
      } catch {
        reject(new Error(`${reference.script} ${mode}: expected one JSON line on stdout, got: ${tail(stdout, 5) || '(nothing)'}`));
        return;
      }
      if ((json as { status?: string }).status === 'unavailable') return resolve(null);
      const parsed = schema.safeParse(json);
      if (parsed.success) resolve(parsed.data);
      else reject(new Error(`${reference.script} ${mode}: unexpected output: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`));
    });
  });
}

export function probePytorch(reference: PythonReference): Promise<PytorchProbe | null> {
  return runScript(reference, '--probe', ProbeSchema);
}

/** The loaded BLAS's peak candidates (torch.mm); empty when PyTorch cannot run. */
export async function pytorchPeak(reference: PythonReference): Promise<PeakCandidate[]> {
  return (await runScript(reference, '--peak', PeakOutputSchema))?.candidates ?? [];
}

/** The bench's refusal of a PyTorch on netlib's reference BLAS. */
export function referenceBlasRefusal(python: string, blas: Blas): string {
  return (
    `${python}: PyTorch runs its matrix products on netlib's reference BLAS (${blas.file ?? 'libblas.so.3'}), 2-5x slower than an ` +
    'optimised BLAS, which would flatter every ratio. Install one (Debian: `apt-get install libopenblas0-pthread`, which ' +
    "Debian's alternatives then load for python3-torch), or pass --allow-reference-blas to time it anyway (every ratio is then labelled)"
  );
}
