/**
 * ONNX Runtime's CUDA execution provider as files: onnxruntime-node's npm package ships
 * the CPU provider only, and its install script downloads the CUDA provider libraries from
 * NuGet (the workspace denies that script, since `npm install` must work offline). Here is
 * what `rosetta doctor` checks and what `rosetta setup onnxruntime-cuda` installs.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { writeFileAtomic } from '@rosetta/data';
import {
  describeLibrary,
  gpuCheck,
  loaderError,
  providedFiles,
  SetupError,
  unresolvedDependencies,
  type Check,
  type SetupOptions,
} from '@rosetta/harness';

/** The provider libraries ONNX Runtime loads for the CUDA EP, next to libonnxruntime.so. */
export const CUDA_PROVIDER_LIBRARIES = ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so'] as const;

const SETUP = 'npx rosetta setup onnxruntime-cuda';

function packageDirectory(): string {
  return dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
}

/** Where onnxruntime-node loads provider libraries from: beside its native binding and libonnxruntime.so. */
export function bindingDirectory(): string {
  return join(packageDirectory(), 'bin', 'napi-v6', process.platform, process.arch);
}

export function missingProviderLibraries(): string[] {
  const dir = bindingDirectory();
  return CUDA_PROVIDER_LIBRARIES.filter((name) => !existsSync(join(dir, name)));
}

/** The CUDA and cuDNN libraries the provider links against, checked with the dynamic loader. */
async function dependencyCheck(): Promise<Check> {
  const name = 'CUDA and cuDNN libraries of the provider';
  const resolved = await unresolvedDependencies(join(bindingDirectory(), 'libonnxruntime_providers_cuda.so'));
  if ('error' in resolved) {
    return { name, ok: false, detail: `cannot list what libonnxruntime_providers_cuda.so needs (ldd: ${resolved.error})`, fix: `reinstall the provider libraries: ${SETUP}` };
  }
  if (resolved.missing.length === 0) return { name, ok: true, detail: 'every library the provider links against resolves' };
  return {
    name,
    ok: false,
    detail: `not found by the dynamic loader: ${resolved.missing.map(describeLibrary).join(', ')}`,
    fix: 'install the CUDA and cuDNN runtime libraries the provider was built for (CUDA 12 and cuDNN 9 for ONNX Runtime 1.29.0\'s NuGet build), or add the folders holding them to LD_LIBRARY_PATH',
  };
}

/**
 * ONNX Runtime reports only "Failed to load shared library"; the dynamic loader's own
 * message, library by library, says which file is broken or which dependency is missing.
 */
export async function providerLoaderError(): Promise<string | null> {
  for (const name of CUDA_PROVIDER_LIBRARIES) {
    const error = await loaderError(join(bindingDirectory(), name));
    if (error !== null) return error;
  }
  return null;
}

export async function diagnoseCuda(): Promise<Check[]> {
  const checks = [await gpuCheck()];
  const missing = missingProviderLibraries();
  if (missing.length > 0) {
    checks.push({
      name: 'CUDA execution-provider libraries',
      ok: false,
      detail: `missing in ${bindingDirectory()}: ${missing.join(', ')}`,
      fix: `${SETUP} (online: onnxruntime-node's own installer), or offline: ${SETUP} --from DIR|ARCHIVE`,
    });
    return checks;
  }
  checks.push({ name: 'CUDA execution-provider libraries', ok: true, detail: `present in ${bindingDirectory()}` });
  checks.push(await dependencyCheck());
  return checks;
}

/** onnxruntime-node's install script with its CUDA 12 flag: downloads the provider libraries from NuGet. */
async function runOnlineInstaller(log: SetupOptions['log']): Promise<void> {
  const script = join(packageDirectory(), 'script', 'install.js');
  log(`running onnxruntime-node's installer (${script}, ONNXRUNTIME_NODE_INSTALL=cuda12)`);
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [script], {
      cwd: packageDirectory(),
      env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'cuda12' },
      timeout: 30 * 60_000,
      maxBuffer: 64 * 2 ** 20,
    });
    for (const line of `${stdout}${stderr}`.split('\n').filter(Boolean)) log(`  ${line}`);
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new SetupError(
      `onnxruntime-node's installer failed (no network access to NuGet?): ${(stderr || message).trim().split('\n').slice(-3).join(' ')}\n` +
        `Offline, copy the provider libraries of ONNX Runtime 1.29.0 (${CUDA_PROVIDER_LIBRARIES.join(', ')}) from a machine that has them and run: ${SETUP} --from DIR|ARCHIVE`,
    );
  }
}

export async function setupCuda(options: SetupOptions): Promise<void> {
  const dir = bindingDirectory();
  if (options.from === undefined) {
    await runOnlineInstaller(options.log);
  } else {
    const files = await providedFiles(options.from, CUDA_PROVIDER_LIBRARIES);
    for (const name of CUDA_PROVIDER_LIBRARIES) {
      await writeFileAtomic(join(dir, name), await readFile(files.get(name)!));
      options.log(`installed ${name} into ${dir} (from ${files.get(name)})`);
    }
  }
  const missing = missingProviderLibraries();
  if (missing.length > 0) throw new SetupError(`the installer left no ${missing.join(' or ')} in ${dir}`);
  const dependencies = await dependencyCheck();
  if (!dependencies.ok) throw new SetupError(`the provider libraries are in place, but they cannot load yet: ${dependencies.detail}; ${dependencies.fix}`);
  options.log(`the CUDA provider libraries are in place and ${dependencies.detail}; \`npx rosetta doctor\` now loads the backend`);
}
