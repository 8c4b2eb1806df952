/**
 * Executes a generated notebook top to bottom with Jupyter's own executor, nbclient (Debian's
 * python3-nbclient), in the kernel its metadata names, and hands back the executed notebook:
 * outputs, and nbclient's record of each cell's execution in `metadata.execution`.
 *
 * The kernel starts in the notebook's folder, so the relative paths of its cells hold. The
 * TypeScript kernel is tslab from this workspace's node_modules, given to Jupyter through a
 * kernel spec of its own in a temporary JUPYTER_PATH: nothing is installed for the user.
 * A cell that raises stops the execution; the error names the notebook, and the caller
 * writes nothing.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { INotebookContent } from '@jupyterlab/nbformat';

export interface ExecuteOptions {
  /** A Python with nbclient and ipykernel (the PyTorch notebooks also need torch): Debian's /usr/bin/python3. */
  readonly python: string;
  /** Seconds a cell may run. */
  readonly cellTimeoutSeconds: number;
  /** Extra environment for the kernel, e.g. ROSETTA_DATASET_MIRROR. */
  readonly env?: Readonly<Record<string, string>>;
}

/** Runs a notebook in `folder` (where it will be written) and hands it back executed; `name` is for messages. */
export type NotebookExecutor = (notebook: INotebookContent, folder: string, name: string) => Promise<INotebookContent>;

export class NotebookExecutionError extends Error {
  override readonly name = 'NotebookExecutionError';
}

// Reads the notebook on stdin, runs it in `path`, writes it back on stdout.
const NBCLIENT = `
import sys, nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
notebook = nbformat.read(sys.stdin, as_version=4)
client = NotebookClient(notebook, timeout=int(sys.argv[2]), kernel_name=notebook.metadata.kernelspec.name, resources={"metadata": {"path": sys.argv[1]}})
try:
    client.execute()
except CellExecutionError as error:
    sys.stderr.write(str(error))
    # A kernel may say what went wrong in the cell's outputs only (tslab's compile errors).
    failed = [cell for cell in notebook.cells if any(o.get("output_type") == "error" for o in cell.get("outputs", []))]
    for output in failed[-1].outputs if failed else []:
        sys.stderr.write("".join(output.get("text", "")) + "\\n".join(output.get("traceback", [])) + "\\n")
    sys.exit(3)
nbformat.write(notebook, sys.stdout)
`;

/** A kernel spec for tslab as this workspace installed it, in a JUPYTER_PATH folder of its own. */
async function tslabKernelPath(): Promise<string> {
  const require = createRequire(import.meta.url);
  const tslab = join(dirname(require.resolve('tslab/package.json')), 'bin', 'tslab');
  const path = await mkdtemp(join(tmpdir(), 'rosetta-kernels-'));
  await mkdir(join(path, 'kernels', 'tslab'), { recursive: true });
  const spec = { argv: [process.execPath, tslab, 'kernel', '--config-path', '{connection_file}'], display_name: 'TypeScript', language: 'typescript' };
  await writeFile(join(path, 'kernels', 'tslab', 'kernel.json'), JSON.stringify(spec));
  return path;
}

/** The executor of `rosetta report`: nbclient in `options.python`. */
export const nbclientExecutor = (options: ExecuteOptions): NotebookExecutor => (notebook, folder, name) => executeNotebook(notebook, folder, name, options);

export async function executeNotebook(notebook: INotebookContent, folder: string, name: string, options: ExecuteOptions): Promise<INotebookContent> {
  // The kernel starts there: a folder the notebook is about to be written into may not exist yet.
  await mkdir(folder, { recursive: true });
  const kernels = await tslabKernelPath();
  try {
    const output = await new Promise<string>((done, fail) => {
      const child = execFile(
        options.python,
        ['-c', NBCLIENT, resolve(folder), String(options.cellTimeoutSeconds)],
        { env: { ...process.env, ...options.env, JUPYTER_PATH: kernels }, maxBuffer: 256 * 1024 * 1024 },
        (error, stdout, stderr) => {
          if (error === null) return done(stdout);
          const why = stderr.trim().split('\n').slice(-40).join('\n');
          fail(new NotebookExecutionError(`${name}: executing it failed (${options.python}, nbclient):\n${why || error.message}`));
        },
      );
      child.stdin!.end(JSON.stringify(notebook));
    });
    return JSON.parse(output) as INotebookContent;
  } finally {
    await rm(kernels, { recursive: true, force: true });
  }
}
