/**
 * `rosetta doctor` and `rosetta setup onnxruntime-cuda` (and tfjs-node-gpu's refusals; its
 * installs are tested in packages/tfjs-node-gpu) through the real binary, on a
 * machine without a GPU: a fake `nvidia-smi` on PATH stands in for the driver and a
 * directory of stand-in files for ONNX Runtime's CUDA provider libraries. The stand-ins
 * are installed for real, where onnxruntime-node loads provider libraries, and removed
 * (any real ones put back) afterwards.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { create as createTar } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const main = join(root, 'packages/cli/dist/main.js');
const LIBRARIES = ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so'];
const bindingDir = join(
  dirname(createRequire(join(root, 'packages/onnxruntime/package.json')).resolve('onnxruntime-node/package.json')),
  'bin', 'napi-v6', process.platform, process.arch,
);

let dir: string;
let env: NodeJS.ProcessEnv;
const backups = new Map<string, string>();

function rosetta(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [main, ...args], { env, cwd: dir }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  if (!existsSync(main)) throw new Error(`${main} is missing: build first (npm run build)`);
  dir = await mkdtemp(join(tmpdir(), 'rosetta-gpu-setup-'));
  // A driver that reports one H200, as nvidia-smi prints it.
  await mkdir(join(dir, 'bin'));
  await writeFile(
    join(dir, 'bin', 'nvidia-smi'),
    [
      '#!/bin/sh',
      'case "$1" in',
      '  --query-gpu=*) echo "NVIDIA H200, 143771 MiB, 580.65.06" ;;',
      '  -L) echo "GPU 0: NVIDIA H200 (UUID: GPU-00000000)" ;;',
      '  *) echo "| NVIDIA-SMI 580.65.06    Driver Version: 580.65.06    CUDA Version: 13.0 |" ;;',
      'esac',
      '',
    ].join('\n'),
  );
  await chmod(join(dir, 'bin', 'nvidia-smi'), 0o755);
  env = { ...process.env, PATH: `${join(dir, 'bin')}:${process.env['PATH']}` };
  // Stand-ins: files with the libraries' names that are not shared libraries.
  await mkdir(join(dir, 'libs', 'runtimes', 'linux-x64', 'native'), { recursive: true });
  for (const name of LIBRARIES) await writeFile(join(dir, 'libs', 'runtimes', 'linux-x64', 'native', name), `stand-in for ${name}\n`);
  await mkdir(join(dir, 'incomplete'));
  await writeFile(join(dir, 'incomplete', LIBRARIES[0]!), 'stand-in\n');
  await createTar({ gzip: true, file: join(dir, 'providers.tgz'), cwd: join(dir, 'libs') }, ['runtimes']);
  for (const name of LIBRARIES) {
    if (!existsSync(join(bindingDir, name))) continue;
    backups.set(name, join(dir, `backup-${name}`));
    await copyFile(join(bindingDir, name), backups.get(name)!);
    await rm(join(bindingDir, name));
  }
});

afterAll(async () => {
  for (const name of LIBRARIES) {
    await rm(join(bindingDir, name), { force: true });
    const backup = backups.get(name);
    if (backup) await copyFile(backup, join(bindingDir, name));
  }
  await rm(dir, { recursive: true, force: true });
});

describe('GPU backends one command away', () => {
  it('doctor names the missing provider libraries and the command that installs them; train records the same fix', async () => {
    const doctor = await rosetta('doctor', 'onnxruntime-cuda');
    expect(doctor.code, doctor.stderr).toBe(0);
    expect(doctor.stdout).toMatch(/^onnxruntime-cuda +unavailable: /m);
    expect(doctor.stdout).toMatch(/✓ NVIDIA GPU and driver: NVIDIA H200 \(143771 MiB, driver 580\.65\.06, CUDA 13\.0\)/);
    expect(doctor.stdout).toMatch(/✗ CUDA execution-provider libraries: missing in .*: libonnxruntime_providers_shared\.so, libonnxruntime_providers_cuda\.so/);
    expect(doctor.stdout).toMatch(/fix: npx rosetta setup onnxruntime-cuda \(online: .*\), or offline: npx rosetta setup onnxruntime-cuda --from DIR\|ARCHIVE/);

    const train = await rosetta('train', '--framework', 'onnxruntime-cuda', '--model', 'cnn', '--out', join(dir, 'results'), '--label', 'gpu-box');
    expect(train.code, train.stderr).toBe(0);
    const result = JSON.parse(await readFile(join(dir, 'results', 'gpu-box', 'onnxruntime-cuda.cnn.10ep-all.json'), 'utf8')) as { status: string; reason: string };
    expect(result.status).toBe('unavailable');
    expect(result.reason).toMatch(/to enable it run `npx rosetta setup onnxruntime-cuda`/);
  }, 120_000);

  it('refuses a directory that lacks one of the libraries, naming it, and installs nothing', async () => {
    const setup = await rosetta('setup', 'onnxruntime-cuda', '--from', join(dir, 'incomplete'));
    expect(setup.code).toBe(1);
    expect(setup.stderr).toMatch(/incomplete lacks libonnxruntime_providers_cuda\.so: nothing was installed/);
    for (const name of LIBRARIES) expect(existsSync(join(bindingDir, name)), name).toBe(false);
  }, 120_000);

  it('installs them from a directory or an archive where onnxruntime-node loads them; doctor then reports the loader\'s own error', async () => {
    for (const from of [join(dir, 'libs'), join(dir, 'providers.tgz')]) {
      const setup = await rosetta('setup', 'onnxruntime-cuda', '--from', from);
      // Installed, but ldd cannot read stand-ins, so the setup says the provider cannot load yet.
      expect(setup.stdout).toMatch(/installed libonnxruntime_providers_cuda\.so into /);
      expect(setup.code).toBe(1);
      expect(setup.stderr).toMatch(/the provider libraries are in place, but they cannot load yet: cannot list what libonnxruntime_providers_cuda\.so needs/);
      for (const name of LIBRARIES) expect(await readFile(join(bindingDir, name), 'utf8')).toBe(`stand-in for ${name}\n`);
    }
    const doctor = await rosetta('doctor', 'onnxruntime-cuda');
    expect(doctor.stdout).toMatch(/✓ CUDA execution-provider libraries: present in /);
    expect(doctor.stdout).not.toMatch(/missing in/);
    // ONNX Runtime itself now tries to load the stand-ins and fails; the dynamic loader says why.
    expect(doctor.stdout).toMatch(
      /✗ loads: onnxruntime-node cannot run the CUDAExecutionProvider .*Failed to load shared library \(the dynamic loader: .*libonnxruntime_providers_shared\.so: (file too short|invalid ELF header)\)/,
    );
  }, 120_000);

  it('doctor says what tfjs-node-gpu lacks, that its online install cannot work, and the offline fix', async () => {
    const doctor = await rosetta('doctor', 'tfjs-node-gpu');
    expect(doctor.stdout).toMatch(/✗ native addon and libtensorflow 2\.9\.1: missing in .*the native addon/);
    expect(doctor.stdout).toMatch(/fix: npx rosetta setup tfjs-node-gpu --from <libtensorflow-gpu-linux-x86_64-2\.9\.1\.tar\.gz or its extracted folder>, or set TFJS_NODE_CDN_STORAGE or TFJS_NODE_BASE_URI/);
    expect(doctor.stdout).toMatch(/the online install cannot work now: .* HTTP 403 since August 2026 \(TF\.js issue #8742\); meanwhile the tfjs-webgpu framework/);
    expect(doctor.stdout).toMatch(/✗ CUDA 11\.2 and cuDNN 8\.1 libraries: not found .*libcudart\.so\.11\.0/);
  }, 120_000);

  it('setup tfjs-node-gpu --from refuses a folder that lacks pieces of libtensorflow\'s layout, naming each, and writes nothing', async () => {
    const tfjsNodeGpu = dirname(createRequire(join(root, 'packages/tfjs-node-gpu/package.json')).resolve('@tensorflow/tfjs-node-gpu/package.json'));
    const before = readdirSync(tfjsNodeGpu).sort();
    await mkdir(join(dir, 'incomplete-libtensorflow', 'lib'), { recursive: true });
    await writeFile(join(dir, 'incomplete-libtensorflow', 'lib', 'libtensorflow.so.2.9.1'), 'stand-in\n');
    const setup = await rosetta('setup', 'tfjs-node-gpu', '--from', join(dir, 'incomplete-libtensorflow'));
    expect(setup.code).toBe(1);
    expect(setup.stderr).toMatch(
      /rosetta setup tfjs-node-gpu: .*incomplete-libtensorflow lacks lib\/libtensorflow_framework\.so\.2\.9\.1 and include\/tensorflow\/c\/c_api\.h and include\/tensorflow\/c\/eager\/c_api\.h \(the layout of libtensorflow-gpu-linux-x86_64-2\.9\.1\.tar\.gz\): nothing was installed/,
    );
    expect(readdirSync(tfjsNodeGpu).sort()).toEqual(before);
  }, 120_000);
});
