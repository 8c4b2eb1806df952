/**
 * What `rosetta doctor` and `rosetta setup` ask of a framework that needs more than
 * `npm install` (the GPU backends): a list of checks, each naming what is missing and the
 * command that fixes it, and an installer for what npm could not fetch.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describeGpu, detectGpu } from './gpu.js';

export interface Check {
  /** What is checked, e.g. "GPU", "CUDA provider libraries". */
  readonly name: string;
  readonly ok: boolean;
  /** What was found, or exactly what is missing. */
  readonly detail: string;
  /** The command or action that fixes a failed check. */
  readonly fix?: string;
}

export interface SetupOptions {
  /** A directory or archive (.tgz, .tar.gz, .tar, .zip, .nupkg) holding the files to install, for offline machines. */
  readonly from?: string;
  readonly log: (line: string) => void;
}

/** Thrown by a framework's setup when it cannot install, or installed something that will not load yet. */
export class SetupError extends Error {
  override readonly name = 'SetupError';
}

/** The check every GPU framework starts with. */
export async function gpuCheck(): Promise<Check> {
  const gpu = await detectGpu();
  return gpu
    ? { name: 'NVIDIA GPU and driver', ok: true, detail: describeGpu(gpu) }
    : {
        name: 'NVIDIA GPU and driver',
        ok: false,
        detail: '`nvidia-smi` is not on PATH or lists no GPU',
        fix: 'run on a machine with an NVIDIA GPU and its driver (nvidia-smi must list the GPU)',
      };
}

const run = promisify(execFile);

/**
 * The shared libraries a binary needs that the dynamic loader cannot find (`ldd`'s
 * "not found" lines), or the reason ldd could not say.
 */
export async function unresolvedDependencies(file: string, env: NodeJS.ProcessEnv = process.env): Promise<{ missing: string[] } | { error: string }> {
  try {
    const { stdout } = await run('ldd', [file], { env, timeout: 30_000 });
    return { missing: [...stdout.matchAll(/^\s*(\S+) => not found$/gm)].map((m) => m[1]!) };
  } catch (error) {
    const { stderr, stdout, message } = error as { stderr?: string; stdout?: string; message: string };
    return { error: (stderr || stdout || message).trim().split('\n')[0]! };
  }
}

/**
 * What the dynamic loader says when asked to load a shared library (its dlerror text, e.g.
 * "file too short" or "libcudnn.so.9: cannot open shared object file"), or null when it
 * loads. Runs in a child process, so that this process never holds the library.
 */
export async function loaderError(file: string, env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  // process.dlopen loads any shared library; one that is not a Node.js addon then fails to
  // "self-register", which means the loader itself was satisfied.
  const probe = `try { process.dlopen({ exports: {} }, ${JSON.stringify(file)}); } catch (e) { if (!/did not self-register/.test(e.message)) { process.stdout.write(e.message); process.exit(3); } }`;
  try {
    await run(process.execPath, ['-e', probe], { env, timeout: 60_000 });
    return null;
  } catch (error) {
    const { stdout, message } = error as { stdout?: string; message: string };
    return (stdout || message).trim();
  }
}

/**
 * Where the dynamic loader would find a library by name: the LD_LIBRARY_PATH folders,
 * then the loader cache (`ldconfig -p`). Null when it would not. For libraries that a
 * program opens at run time (dlopen), which `ldd` cannot list.
 */
export async function findSharedLibrary(name: string, env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  for (const dir of (env['LD_LIBRARY_PATH'] ?? '').split(':').filter(Boolean)) {
    if (existsSync(join(dir, name))) return join(dir, name);
  }
  try {
    const { stdout } = await run('ldconfig', ['-p'], { timeout: 30_000 });
    const line = stdout.split('\n').find((l) => l.trim().startsWith(`${name} `));
    return line ? line.slice(line.indexOf('=>') + 2).trim() : null;
  } catch {
    // No ldconfig (not glibc Linux): only LD_LIBRARY_PATH could say.
    return null;
  }
}

/** A library name with what it belongs to, e.g. "libcudnn.so.9 (cuDNN 9)". */
export function describeLibrary(name: string): string {
  const cudnn = /^libcudnn[^.]*\.so\.(\d+)/.exec(name);
  if (cudnn) return `${name} (cuDNN ${cudnn[1]})`;
  if (/^lib(cu|nv)/.test(name)) return `${name} (CUDA)`;
  return name;
}
