/**
 * What @tensorflow/tfjs-node-gpu needs beyond `npm install`: a native addon built against
 * libtensorflow 2.9.1 (the workspace denies the package's install step, which downloads
 * both, since `npm install` must work offline), and the CUDA 11.2 and cuDNN 8.1 libraries
 * libtensorflow opens at run time. That download now answers HTTP 403 for everyone, so
 * `rosetta setup tfjs-node-gpu --from` installs libtensorflow from a copy the user has and
 * builds the addon against it; `rosetta doctor` checks each piece.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { findSharedLibrary, gpuCheck, SetupError, type Check, type SetupOptions } from '@rosetta/harness';
import {
  depsComplete,
  findAddon,
  inWorkFolder,
  InstallScriptError,
  installLibtensorflowFrom,
  keyLines,
  LIBTENSORFLOW_ARCHIVE,
  LIBTENSORFLOW_VERSION,
  missingPieces,
  runInstallScript,
  withNewDeps,
  writeInstallLog,
  type RunInstallScript,
} from './libtensorflow.js';

const PACKAGE = '@tensorflow/tfjs-node-gpu';
const SETUP = 'npx rosetta setup tfjs-node-gpu';
const DOWNLOAD_URL = `https://storage.googleapis.com/tensorflow/libtensorflow/${LIBTENSORFLOW_ARCHIVE}`;

/** Why `rosetta setup tfjs-node-gpu` without --from fails, for everyone. */
export const ONLINE_INSTALL_BROKEN =
  `the online install cannot work now: the package's install step downloads ${DOWNLOAD_URL}, which has answered HTTP 403 since August 2026 (TF.js issue #8742)`;
export const OFFLINE_INSTALL =
  `${SETUP} --from <${LIBTENSORFLOW_ARCHIVE} or its extracted folder>, or set TFJS_NODE_CDN_STORAGE or TFJS_NODE_BASE_URI ` +
  `(the package's own variables) to a mirror of that file and run ${SETUP}`;
export const WEBGPU_ALTERNATIVE = 'the tfjs-webgpu framework (TF.js on WebGPU through Dawn) works now on any GPU with Vulkan, Metal or D3D12 drivers';

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

/** Where the package's install step fetches libtensorflow from when a mirror is set, as install.js reads its variables. */
function mirrorSource(env: NodeJS.ProcessEnv = process.env): string | null {
  const base = env['TFJS_NODE_BASE_URI'] || env['npm_config_TFJS_NODE_BASE_URI'];
  if (base) return `${base}gpu-linux-x86_64-${LIBTENSORFLOW_VERSION}.tar.gz (TFJS_NODE_BASE_URI)`;
  const host = env['TFJS_NODE_CDN_STORAGE'] || env['npm_config_TFJS_NODE_CDN_STORAGE'] || env['CDN_STORAGE'];
  return host ? `${host}tensorflow/libtensorflow/${LIBTENSORFLOW_ARCHIVE} (TFJS_NODE_CDN_STORAGE)` : null;
}

/** `dir` defaults to where @tensorflow/tfjs-node-gpu is installed; tests pass a stand-in. */
export async function diagnoseTfjsNodeGpu(dir: string | null = packageDirectory()): Promise<Check[]> {
  const checks = [await gpuCheck()];
  const name = `native addon and libtensorflow ${LIBTENSORFLOW_VERSION}`;
  if (dir === null) {
    checks.push({
      name: `${PACKAGE} package`,
      ok: false,
      detail: 'not installed (it is an optional dependency)',
      fix: `npm install ${PACKAGE}@4.22.0 --ignore-scripts, then ${OFFLINE_INSTALL}; ${ONLINE_INSTALL_BROKEN}; meanwhile ${WEBGPU_ALTERNATIVE}`,
    });
    return checks;
  }
  const addon = findAddon(dir);
  const deps = join(dir, 'deps');
  // Loading needs only the libraries; the headers matter to a build.
  const libraries = existsSync(deps) ? missingPieces(deps).filter((piece) => piece.startsWith('lib/')).map((piece) => `deps/${piece}`) : ['deps/'];
  const missing = [
    ...(addon === null ? ['the native addon (lib/napi-v*/tfjs_binding.node)'] : []),
    ...(libraries.length > 0 ? [`libtensorflow ${LIBTENSORFLOW_VERSION} (${libraries.join(', ')})`] : []),
  ];
  checks.push(
    missing.length === 0
      ? { name, ok: true, detail: `${addon}, ${join(deps, 'lib')}` }
      : {
          name,
          ok: false,
          detail: `missing in ${dir}: ${missing.join(', ')}`,
          fix:
            addon === null && depsComplete(dir)
              ? `${SETUP} (builds the addon against ${deps} offline; needs g++, make and Python 3)`
              : `${OFFLINE_INSTALL}; ${ONLINE_INSTALL_BROKEN}; meanwhile ${WEBGPU_ALTERNATIVE}`,
        },
  );
  checks.push(await cudaCheck());
  return checks;
}

/** The package's install step as it was written: download libtensorflow, then build. */
async function downloadAndBuild(dir: string, log: (line: string) => void, runScript: RunInstallScript): Promise<string> {
  const mirror = mirrorSource();
  log(`running ${PACKAGE}'s install step (node scripts/install.js gpu download) in ${dir}, from ${mirror ?? DOWNLOAD_URL}`);
  return inWorkFolder(dir, log, (work) =>
    withNewDeps(dir, null, work, async () => {
      try {
        const output = await runScript(dir, ['gpu', 'download']);
        for (const line of output.split('\n').filter(Boolean)) log(`  ${line}`);
      } catch (error) {
        const output = error instanceof InstallScriptError ? error.output : '';
        const failed = `${PACKAGE}'s install step failed (${(error as Error).message}): ${keyLines(output)}; full output in ${await writeInstallLog(dir, output)}. `;
        const kept = `${join(dir, 'deps')} is left as it was`;
        throw new SetupError(
          mirror === null
            ? `${failed}${ONLINE_INSTALL_BROKEN.replace(/^t/, 'T')}. Install offline instead: ${OFFLINE_INSTALL}. Meanwhile, ${WEBGPU_ALTERNATIVE}. ${kept}`
            : `${failed}Check that the mirror serves ${mirror}, or install offline: ${SETUP} --from <${LIBTENSORFLOW_ARCHIVE} or its extracted folder>. Meanwhile, ${WEBGPU_ALTERNATIVE}. ${kept}`,
        );
      }
    }),
  );
}

/** The package's install step without its download, for a deps/ that is already complete; it leaves deps/ alone. */
async function buildOnly(dir: string, log: (line: string) => void, runScript: RunInstallScript): Promise<string> {
  log(`${join(dir, 'deps')} holds libtensorflow ${LIBTENSORFLOW_VERSION}; building the native addon against it (node scripts/install.js gpu in ${dir})`);
  try {
    const output = await runScript(dir, ['gpu']);
    for (const line of output.split('\n').filter(Boolean)) log(`  ${line}`);
  } catch (error) {
    const output = error instanceof InstallScriptError ? error.output : '';
    throw new SetupError(
      `building the native addon against ${join(dir, 'deps')} failed (${(error as Error).message}): ${keyLines(output)}; full output in ${await writeInstallLog(dir, output)}. ` +
        `It needs g++, make, Python 3 and Node's headers`,
    );
  }
  const addon = findAddon(dir);
  if (addon === null) throw new SetupError(`${dir}: the build ended without error but left no lib/napi-v*/tfjs_binding.node`);
  return addon;
}

/**
 * With `--from`, installs libtensorflow from the user's copy and builds the addon; without,
 * builds against a complete deps/ or runs the package's own download (which fails now, and
 * says so). Then checks for the CUDA libraries. `dir` and `runScript` default to the
 * installed package and its scripts/install.js; tests pass stand-ins.
 */
export async function setupTfjsNodeGpu(options: SetupOptions, dir: string | null = packageDirectory(), runScript: RunInstallScript = runInstallScript): Promise<void> {
  if (dir === null) throw new SetupError(`${PACKAGE} is not installed: npm install ${PACKAGE}@4.22.0 --ignore-scripts, then ${OFFLINE_INSTALL}`);
  const addon =
    options.from !== undefined
      ? await installLibtensorflowFrom(options.from, dir, options.log, runScript)
      : depsComplete(dir)
        ? await buildOnly(dir, options.log, runScript)
        : await downloadAndBuild(dir, options.log, runScript);
  options.log(`installed libtensorflow ${LIBTENSORFLOW_VERSION} in ${join(dir, 'deps')} and the native addon ${addon}`);
  const cuda = await cudaCheck();
  if (!cuda.ok) throw new SetupError(`the addon and libtensorflow are installed, but libtensorflow cannot use the GPU yet: ${cuda.detail}; ${cuda.fix}`);
  options.log(`installed; ${cuda.detail}`);
}
