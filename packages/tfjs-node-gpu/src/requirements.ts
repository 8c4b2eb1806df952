/**
 * What @tensorflow/tfjs-node-gpu needs beyond `npm install`: its install step downloads a
 * native addon and libtensorflow 2.9.1 (the workspace denies that step, since `npm
 * install` must work offline), and libtensorflow opens the CUDA 11.2 and cuDNN 8.1
 * libraries at run time. `rosetta doctor` checks each; `rosetta setup tfjs-node-gpu` runs
 * the install step on demand.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { findSharedLibrary, gpuCheck, SetupError, type Check, type SetupOptions } from '@rosetta/harness';

const PACKAGE = '@tensorflow/tfjs-node-gpu';
const SETUP = 'npx rosetta setup tfjs-node-gpu';

/**
 * The libraries libtensorflow 2.9.1's GPU build opens with dlopen (so `ldd` cannot list
 * them), by the names it asks for: CUDA 11.2 and cuDNN 8.1.
 */
export const CUDA_LIBRARIES = [
  'libcudart.so.11.0',
  'libcublas.so.11',
  'libcublasLt.so.11',
  'libcufft.so.10',
  'libcurand.so.10',
  'libcusolver.so.11',
  'libcusparse.so.11',
  'libcudnn.so.8',
] as const;

function packageDirectory(): string | null {
  try {
    return dirname(createRequire(import.meta.url).resolve(`${PACKAGE}/package.json`));
  } catch {
    return null;
  }
}

/** The native pieces the install step downloads, present or not. */
function nativeFiles(dir: string): { addon: string | null; libtensorflow: string | null } {
  const lib = join(dir, 'lib');
  const addonDir = existsSync(lib) ? readdirSync(lib).find((name) => existsSync(join(lib, name, 'tfjs_binding.node'))) : undefined;
  const deps = join(dir, 'deps', 'lib');
  const libtensorflow = existsSync(deps) ? readdirSync(deps).find((name) => /^libtensorflow\.so/.test(name)) : undefined;
  return { addon: addonDir ? join(lib, addonDir, 'tfjs_binding.node') : null, libtensorflow: libtensorflow ? join(deps, libtensorflow) : null };
}

async function cudaCheck(): Promise<Check> {
  const missing: string[] = [];
  for (const name of CUDA_LIBRARIES) if ((await findSharedLibrary(name)) === null) missing.push(name);
  const name = 'CUDA 11.2 and cuDNN 8.1 libraries';
  return missing.length === 0
    ? { name, ok: true, detail: 'every library libtensorflow 2.9.1 opens is found by the dynamic loader' }
    : {
        name,
        ok: false,
        detail: `not found on LD_LIBRARY_PATH or in the loader cache: ${missing.join(', ')}`,
        fix: 'install the CUDA 11.2 and cuDNN 8.1 runtime libraries (other CUDA versions do not load), or add the folders holding them to LD_LIBRARY_PATH',
      };
}

export async function diagnoseTfjsNodeGpu(): Promise<Check[]> {
  const checks = [await gpuCheck()];
  const dir = packageDirectory();
  if (dir === null) {
    checks.push({ name: `${PACKAGE} package`, ok: false, detail: 'not installed (it is an optional dependency)', fix: `npm install ${PACKAGE}@4.22.0 --ignore-scripts, then ${SETUP}` });
    return checks;
  }
  const { addon, libtensorflow } = nativeFiles(dir);
  const missing = [addon === null && 'the native addon (lib/napi-v*/tfjs_binding.node)', libtensorflow === null && 'libtensorflow (deps/lib/libtensorflow.so*)'].filter(Boolean);
  checks.push(
    missing.length === 0
      ? { name: 'native addon and libtensorflow 2.9.1', ok: true, detail: `${addon}, ${libtensorflow}` }
      : { name: 'native addon and libtensorflow 2.9.1', ok: false, detail: `missing in ${dir}: ${missing.join(', ')}`, fix: `${SETUP} (downloads them; needs network access to storage.googleapis.com)` },
  );
  checks.push(await cudaCheck());
  return checks;
}

export async function setupTfjsNodeGpu(options: SetupOptions): Promise<void> {
  if (options.from !== undefined) {
    throw new SetupError(`${PACKAGE}'s install step only downloads; to install offline, set TFJS_NODE_CDN_STORAGE or TFJS_NODE_BASE_URI to a mirror of its files and run ${SETUP}`);
  }
  const dir = packageDirectory();
  if (dir === null) throw new SetupError(`${PACKAGE} is not installed: npm install ${PACKAGE}@4.22.0 --ignore-scripts, then ${SETUP}`);
  options.log(`running ${PACKAGE}'s install step (node scripts/install.js gpu download) in ${dir}`);
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['scripts/install.js', 'gpu', 'download'], { cwd: dir, timeout: 30 * 60_000, maxBuffer: 64 * 2 ** 20 });
    for (const line of `${stdout}${stderr}`.split('\n').filter(Boolean)) options.log(`  ${line}`);
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new SetupError(`${PACKAGE}'s install step failed (no network access to storage.googleapis.com?): ${(stderr || message).trim().split('\n').slice(-3).join(' ')}`);
  }
  const cuda = await cudaCheck();
  if (!cuda.ok) throw new SetupError(`the addon and libtensorflow are installed, but libtensorflow cannot use the GPU yet: ${cuda.detail}; ${cuda.fix}`);
  options.log(`installed; ${cuda.detail}`);
}
