/**
 * `rosetta setup tfjs-node-gpu --from` against stand-ins: an archive and a folder with the
 * official libtensorflow layout (tiny files with the right names), and a package folder
 * whose scripts/install.js fakes the build (it writes the addon when deps/ holds
 * libtensorflow 2.9.1, and wipes deps/ and fails on `download`, as the 403 makes the real
 * one do). Nothing under node_modules is touched.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { create as createTar } from 'tar';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SetupError, type Check } from '@rosetta/harness';
import { installLibtensorflowFrom, installScriptEnvironment, keyLines, REQUIRED_PIECES } from './libtensorflow.js';
import { diagnoseTfjsNodeGpu, setupTfjsNodeGpu } from './requirements.js';

const FAKE_INSTALL_SCRIPT = `
const fs = require('fs');
const path = require('path');
const root = path.join(__dirname, '..');
const deps = path.join(root, 'deps');
const args = process.argv.slice(2);
fs.appendFileSync(path.join(root, 'runs.jsonl'), JSON.stringify({ args, PATH: process.env.PATH }) + '\\n');
const mode = fs.existsSync(path.join(root, 'mode')) ? fs.readFileSync(path.join(root, 'mode'), 'utf8').trim() : 'ok';
if (args[1] === 'download') {
  fs.rmSync(deps, { recursive: true, force: true });
  fs.mkdirSync(deps);
  console.warn('* Downloading libtensorflow');
  console.log('https://storage.googleapis.com/tensorflow/libtensorflow/libtensorflow-gpu-linux-x86_64-2.9.1.tar.gz');
  console.error('TAR_BAD_ARCHIVE: Unrecognized archive format');
  process.exit(1);
}
if (!fs.existsSync(path.join(deps, 'lib', 'libtensorflow.so.2.9.1'))) {
  console.error('deps/lib/libtensorflow.so.2.9.1 is missing: the real script would download it');
  process.exit(1);
}
if (mode === 'compile-error') {
  console.error('gyp info spawn make');
  console.error('../binding/tfjs_backend.cc:27:10: fatal error: tensorflow/c/tf_datatype.h: No such file or directory');
  console.error('gyp ERR! stack Error: \\'make\\' failed with exit code: 2');
  process.exit(1);
}
if (mode === 'no-addon') process.exit(0);
fs.mkdirSync(path.join(root, 'lib', 'napi-v8'), { recursive: true });
// As the linker does (-ltensorflow): through the unversioned alias.
const linked = fs.readFileSync(path.join(deps, 'lib', 'libtensorflow.so'), 'utf8');
fs.writeFileSync(path.join(root, 'lib', 'napi-v8', 'tfjs_binding.node'), 'addon built against ' + linked);
console.log('[@tensorflow/tfjs-node-gpu] Success');
`;

let tmp: string;
let packages = 0;

/** Writes the official archive's layout into `dir`, less `omit`, with `version`'s library names. */
async function writeLayout(dir: string, options: { omit?: readonly string[]; version?: string; aliases?: boolean } = {}): Promise<void> {
  const version = options.version ?? '2.9.1';
  const files: Record<string, string> = {
    [`lib/libtensorflow.so.${version}`]: `libtensorflow ${version} stand-in`,
    [`lib/libtensorflow_framework.so.${version}`]: `libtensorflow_framework ${version} stand-in`,
    'include/tensorflow/c/c_api.h': '/* c_api.h */\n',
    'include/tensorflow/c/eager/c_api.h': '/* eager/c_api.h */\n',
    'include/tensorflow/c/tf_datatype.h': '/* tf_datatype.h */\n',
    LICENSE: 'Apache 2.0\n',
    THIRD_PARTY_TF_C_LICENSES: 'third-party licences\n',
  };
  for (const [path, text] of Object.entries(files)) {
    if (options.omit?.includes(path)) continue;
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  if (options.aliases === false) return;
  for (const base of ['libtensorflow', 'libtensorflow_framework']) {
    if (options.omit?.includes(`lib/${base}.so.${version}`)) continue;
    await symlink(`${base}.so.${version}`, join(dir, 'lib', `${base}.so.2`));
    await symlink(`${base}.so.2`, join(dir, 'lib', `${base}.so`));
  }
}

/** A .tar.gz of the layout, entries named ./lib/..., ./include/... as in the official one. */
async function archive(name: string, options: Parameters<typeof writeLayout>[1] = {}): Promise<string> {
  const dir = join(tmp, `layout-${name}`);
  await writeLayout(dir, options);
  const file = join(tmp, `${name}.tar.gz`);
  await createTar({ gzip: true, file, cwd: dir }, ['.']);
  return file;
}

/** A stand-in of the installed package, under a node_modules/.bin as npm lays it out; `deps` seeds an earlier deps/. */
async function standInPackage(deps?: Record<string, string>): Promise<string> {
  const root = join(tmp, `project-${++packages}`);
  const dir = join(root, 'node_modules', '@tensorflow', 'tfjs-node-gpu');
  await mkdir(join(root, 'node_modules', '.bin'), { recursive: true });
  await mkdir(join(dir, 'scripts'), { recursive: true });
  await writeFile(join(dir, 'scripts', 'install.js'), FAKE_INSTALL_SCRIPT);
  for (const [path, text] of Object.entries(deps ?? {})) {
    await mkdir(dirname(join(dir, 'deps', path)), { recursive: true });
    await writeFile(join(dir, 'deps', path), text);
  }
  return dir;
}

/** Every file under `dir` with its content (links as "-> target"), to compare a tree before and after. */
function snapshot(dir: string): Record<string, string> {
  const result: Record<string, string> = {};
  const walk = (path: string, rel: string): void => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full, `${rel}${entry.name}/`);
      else result[`${rel}${entry.name}`] = entry.isSymbolicLink() ? `-> ${readlinkSync(full)}` : readFileSync(full, 'utf8');
    }
  };
  walk(dir, '');
  return result;
}

function runs(dir: string): Array<{ args: string[]; PATH: string }> {
  const file = join(dir, 'runs.jsonl');
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { args: string[]; PATH: string }) : [];
}

function leftovers(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.startsWith('.rosetta-deps-'));
}

const OLD_DEPS = { 'lib/libtensorflow.so.2.9.1': 'the earlier good libtensorflow', 'include/tensorflow/c/c_api.h': '/* earlier */\n' };
const quiet = (): void => undefined;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'rosetta-tfjs-node-gpu-'));
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('rosetta setup tfjs-node-gpu --from', () => {
  it('installs a .tar.gz of the official layout as deps/ and builds the addon against it', async () => {
    const from = await archive('complete');
    const dir = await standInPackage();
    const lines: string[] = [];
    const addon = await installLibtensorflowFrom(from, dir, (line) => lines.push(line));

    expect(addon).toBe(join(dir, 'lib', 'napi-v8', 'tfjs_binding.node'));
    expect(readFileSync(addon, 'utf8')).toBe('addon built against libtensorflow 2.9.1 stand-in');
    const deps = snapshot(join(dir, 'deps'));
    expect(deps).toEqual({
      'lib/libtensorflow.so.2.9.1': 'libtensorflow 2.9.1 stand-in',
      'lib/libtensorflow.so.2': '-> libtensorflow.so.2.9.1',
      'lib/libtensorflow.so': '-> libtensorflow.so.2.9.1',
      'lib/libtensorflow_framework.so.2.9.1': 'libtensorflow_framework 2.9.1 stand-in',
      'lib/libtensorflow_framework.so.2': '-> libtensorflow_framework.so.2.9.1',
      'lib/libtensorflow_framework.so': '-> libtensorflow_framework.so.2.9.1',
      'include/tensorflow/c/c_api.h': '/* c_api.h */\n',
      'include/tensorflow/c/eager/c_api.h': '/* eager/c_api.h */\n',
      'include/tensorflow/c/tf_datatype.h': '/* tf_datatype.h */\n',
      LICENSE: 'Apache 2.0\n',
      THIRD_PARTY_TF_C_LICENSES: 'third-party licences\n',
    });
    // The package's own build, without its download, with npm's node_modules/.bin on PATH.
    expect(runs(dir).map((run) => run.args)).toEqual([['gpu']]);
    expect(runs(dir)[0]!.PATH.split(':')).toContain(join(dir, '..', '..', '.bin'));
    expect(lines.join('\n')).toMatch(/building the native addon against it \(node scripts\/install\.js gpu in /);
    expect(lines).toContain('  [@tensorflow/tfjs-node-gpu] Success');
    expect(leftovers(dir)).toEqual([]);
  });

  it('takes the extracted folder too, inside one wrapping folder and without its links, replacing an earlier deps/', async () => {
    const from = join(tmp, 'extracted');
    await writeLayout(join(from, 'libtensorflow-gpu-linux-x86_64-2.9.1'), { aliases: false });
    const dir = await standInPackage({ ...OLD_DEPS, 'stale-file': 'from the earlier install' });
    await installLibtensorflowFrom(from, dir, quiet);

    const deps = snapshot(join(dir, 'deps'));
    expect(deps['stale-file']).toBeUndefined();
    expect(deps['lib/libtensorflow.so.2.9.1']).toBe('libtensorflow 2.9.1 stand-in');
    expect(deps['lib/libtensorflow_framework.so.2']).toBe('-> libtensorflow_framework.so.2.9.1');
    expect(deps['include/tensorflow/c/eager/c_api.h']).toBe('/* eager/c_api.h */\n');
    expect(readFileSync(join(dir, 'lib', 'napi-v8', 'tfjs_binding.node'), 'utf8')).toBe('addon built against libtensorflow 2.9.1 stand-in');
    // The user's folder is copied, not moved.
    expect(existsSync(join(from, 'libtensorflow-gpu-linux-x86_64-2.9.1', 'lib', 'libtensorflow.so.2.9.1'))).toBe(true);
    expect(leftovers(dir)).toEqual([]);
  });

  it('refuses an archive that lacks pieces, naming the file and each piece, and leaves deps/ untouched', async () => {
    const from = await archive('incomplete', { omit: ['lib/libtensorflow_framework.so.2.9.1', 'include/tensorflow/c/eager/c_api.h'] });
    const dir = await standInPackage(OLD_DEPS);
    const before = snapshot(join(dir, 'deps'));
    const attempt = installLibtensorflowFrom(from, dir, quiet);

    await expect(attempt).rejects.toBeInstanceOf(SetupError);
    await expect(attempt).rejects.toThrow(
      `${from} lacks lib/libtensorflow_framework.so.2.9.1 and include/tensorflow/c/eager/c_api.h (the layout of libtensorflow-gpu-linux-x86_64-2.9.1.tar.gz): nothing was installed`,
    );
    expect(snapshot(join(dir, 'deps'))).toEqual(before);
    expect(runs(dir)).toEqual([]);
    expect(leftovers(dir)).toEqual([]);
  });

  it('names every piece of a folder that is not libtensorflow at all, and the version a wrong archive has', async () => {
    const empty = join(tmp, 'empty');
    await mkdir(empty);
    const dir = await standInPackage();
    await expect(installLibtensorflowFrom(empty, dir, quiet)).rejects.toThrow(`${empty} lacks ${REQUIRED_PIECES.join(' and ')} (the layout of`);

    const other = await archive('other-version', { version: '2.10.0' });
    await expect(installLibtensorflowFrom(other, dir, quiet)).rejects.toThrow(
      /lacks lib\/libtensorflow\.so\.2\.9\.1 \(it has libtensorflow\.so\.2\.10\.0; @tensorflow\/tfjs-node-gpu 4\.22\.0 needs 2\.9\.1\) and lib\/libtensorflow_framework\.so\.2\.9\.1 \(it has libtensorflow_framework\.so\.2\.10\.0;/,
    );
    await expect(installLibtensorflowFrom(join(tmp, 'no-such.tar.gz'), dir, quiet)).rejects.toThrow(/no-such\.tar\.gz: cannot be read/);
    await writeFile(join(tmp, 'libtensorflow.zip'), 'zip');
    await expect(installLibtensorflowFrom(join(tmp, 'libtensorflow.zip'), dir, quiet)).rejects.toThrow(/libtensorflow\.zip: neither a folder nor a \.tar\.gz/);
    await writeFile(join(tmp, 'corrupt.tar.gz'), 'not gzip');
    await expect(installLibtensorflowFrom(join(tmp, 'corrupt.tar.gz'), dir, quiet)).rejects.toThrow(/corrupt\.tar\.gz: not a readable tar archive/);
    // A download cut short: its last bytes missing.
    const whole = readFileSync(await archive('to-truncate'));
    await writeFile(join(tmp, 'truncated.tar.gz'), whole.subarray(0, whole.length - 20));
    await expect(installLibtensorflowFrom(join(tmp, 'truncated.tar.gz'), dir, quiet)).rejects.toThrow(/truncated\.tar\.gz: not a readable tar archive \(.*unexpected end of file/);
    expect(existsSync(join(dir, 'deps'))).toBe(false);
    expect(leftovers(dir)).toEqual([]);
  });

  it('puts the earlier deps/ back when the build fails, and says what the compiler said', async () => {
    const from = await archive('for-failing-build');
    const dir = await standInPackage(OLD_DEPS);
    await writeFile(join(dir, 'mode'), 'compile-error');
    const before = snapshot(join(dir, 'deps'));
    const attempt = installLibtensorflowFrom(from, dir, quiet);

    await expect(attempt).rejects.toBeInstanceOf(SetupError);
    await expect(attempt).rejects.toThrow(/failed \(node scripts\/install\.js gpu in .* exited with 1\): \.\.\/binding\/tfjs_backend\.cc:27:10: fatal error: tensorflow\/c\/tf_datatype\.h: No such file or directory; full output in .*rosetta-setup\.log/);
    await expect(attempt).rejects.toThrow(/deps is left as it was/);
    expect(snapshot(join(dir, 'deps'))).toEqual(before);
    expect(readFileSync(join(dir, 'rosetta-setup.log'), 'utf8')).toMatch(/gyp info spawn make\n/);
    expect(existsSync(join(dir, 'lib'))).toBe(false);
    expect(leftovers(dir)).toEqual([]);
  });

  it('leaves no deps/ behind when the build fails where there was none, or ends without an addon', async () => {
    const from = await archive('for-no-addon');
    const fresh = await standInPackage();
    await writeFile(join(fresh, 'mode'), 'compile-error');
    await expect(installLibtensorflowFrom(from, fresh, quiet)).rejects.toThrow(/fatal error/);
    expect(existsSync(join(fresh, 'deps'))).toBe(false);

    const dir = await standInPackage(OLD_DEPS);
    await writeFile(join(dir, 'mode'), 'no-addon');
    const before = snapshot(join(dir, 'deps'));
    await expect(installLibtensorflowFrom(from, dir, quiet)).rejects.toThrow(`${dir}: the build ended without error but left no lib/napi-v*/tfjs_binding.node`);
    expect(snapshot(join(dir, 'deps'))).toEqual(before);
    expect(leftovers(dir)).toEqual([]);
  });

  it('setupTfjsNodeGpu installs from --from, then checks the CUDA 11.2 / cuDNN 8.1 libraries', async () => {
    const from = await archive('through-setup');
    const dir = await standInPackage();
    const lines: string[] = [];
    // The CUDA check is this machine's: it passes only where CUDA 11.2 and cuDNN 8.1 are installed.
    const outcome = await setupTfjsNodeGpu({ from, log: (line) => lines.push(line) }, dir).then(
      () => 'installed',
      (error: unknown) => error,
    );
    if (outcome !== 'installed') {
      expect(outcome).toBeInstanceOf(SetupError);
      expect((outcome as Error).message).toMatch(/^the addon and libtensorflow are installed, but libtensorflow cannot use the GPU yet: not found .*libcudart\.so\.11\.0/);
    }
    expect(lines).toContain(`installed libtensorflow 2.9.1 in ${join(dir, 'deps')} and the native addon ${join(dir, 'lib', 'napi-v8', 'tfjs_binding.node')}`);
  });
});

describe('rosetta setup tfjs-node-gpu without --from', () => {
  it('runs the download, and when it fails says why (the 403), the offline fix and tfjs-webgpu, restoring deps/', async () => {
    vi.stubEnv('TFJS_NODE_CDN_STORAGE', '');
    vi.stubEnv('TFJS_NODE_BASE_URI', '');
    try {
      const dir = await standInPackage({ 'partial-file': 'an incomplete earlier deps/' });
      const attempt = setupTfjsNodeGpu({ log: quiet }, dir);
      await expect(attempt).rejects.toBeInstanceOf(SetupError);
      const message = await attempt.catch((error: Error) => error.message);
      expect(message).toMatch(/^@tensorflow\/tfjs-node-gpu's install step failed \(node scripts\/install\.js gpu download in .* exited with 1\): TAR_BAD_ARCHIVE: Unrecognized archive format; full output in /);
      expect(message).toMatch(/full output in \S+\. The online install cannot work now: the package's install step downloads \S+libtensorflow-gpu-linux-x86_64-2\.9\.1\.tar\.gz, which has answered HTTP 403 since August 2026 \(TF\.js issue #8742\)\./);
      expect(message).toMatch(/Install offline instead: npx rosetta setup tfjs-node-gpu --from <libtensorflow-gpu-linux-x86_64-2\.9\.1\.tar\.gz or its extracted folder>, or set TFJS_NODE_CDN_STORAGE or TFJS_NODE_BASE_URI/);
      expect(message).toMatch(/Meanwhile, the tfjs-webgpu framework \(TF\.js on WebGPU through Dawn\) works now on any GPU with Vulkan, Metal or D3D12 drivers\./);
      expect(runs(dir).map((run) => run.args)).toEqual([['gpu', 'download']]);
      // The script wiped deps/ before its download failed; the earlier one is back.
      expect(snapshot(join(dir, 'deps'))).toEqual({ 'partial-file': 'an incomplete earlier deps/' });
      expect(leftovers(dir)).toEqual([]);

      vi.stubEnv('TFJS_NODE_CDN_STORAGE', 'https://mirror.example/');
      await expect(setupTfjsNodeGpu({ log: quiet }, dir)).rejects.toThrow(
        /Check that the mirror serves https:\/\/mirror\.example\/tensorflow\/libtensorflow\/libtensorflow-gpu-linux-x86_64-2\.9\.1\.tar\.gz \(TFJS_NODE_CDN_STORAGE\)/,
      );
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('only builds, never downloads, when deps/ already holds libtensorflow 2.9.1', async () => {
    const dir = await standInPackage();
    await writeLayout(join(dir, 'deps'));
    const before = snapshot(join(dir, 'deps'));
    await setupTfjsNodeGpu({ log: quiet }, dir).catch((error: Error) => expect(error.message).toMatch(/cannot use the GPU yet/));
    expect(runs(dir).map((run) => run.args)).toEqual([['gpu']]);
    expect(existsSync(join(dir, 'lib', 'napi-v8', 'tfjs_binding.node'))).toBe(true);
    expect(snapshot(join(dir, 'deps'))).toEqual(before);
  });
});

describe('rosetta doctor tfjs-node-gpu', () => {
  const addonCheck = (checks: Check[]): Check => checks.find((check) => check.name === 'native addon and libtensorflow 2.9.1')!;

  it('says the online install cannot work (the 403) and gives the --from fix and tfjs-webgpu', async () => {
    const check = addonCheck(await diagnoseTfjsNodeGpu(await standInPackage()));
    expect(check.ok).toBe(false);
    expect(check.detail).toMatch(/^missing in .*: the native addon \(lib\/napi-v\*\/tfjs_binding\.node\), libtensorflow 2\.9\.1 \(deps\/\)$/);
    expect(check.fix).toMatch(/^npx rosetta setup tfjs-node-gpu --from <libtensorflow-gpu-linux-x86_64-2\.9\.1\.tar\.gz or its extracted folder>, or set TFJS_NODE_CDN_STORAGE or TFJS_NODE_BASE_URI \(the package's own variables\) to a mirror of that file and run npx rosetta setup tfjs-node-gpu/);
    expect(check.fix).toMatch(/; the online install cannot work now: .* answered HTTP 403 since August 2026 \(TF\.js issue #8742\);/);
    expect(check.fix).toMatch(/tfjs-webgpu framework .* works now on any GPU with Vulkan, Metal or D3D12 drivers/);
  });

  it('names a missing library and, with a complete deps/, offers the offline build', async () => {
    const dir = await standInPackage();
    await writeLayout(join(dir, 'deps'), { omit: ['lib/libtensorflow_framework.so.2.9.1'] });
    expect(addonCheck(await diagnoseTfjsNodeGpu(dir)).detail).toMatch(/libtensorflow 2\.9\.1 \(deps\/lib\/libtensorflow_framework\.so\.2\.9\.1\)$/);

    await writeFile(join(dir, 'deps', 'lib', 'libtensorflow_framework.so.2.9.1'), 'stand-in');
    const check = addonCheck(await diagnoseTfjsNodeGpu(dir));
    expect(check.detail).toMatch(/: the native addon \(lib\/napi-v\*\/tfjs_binding\.node\)$/);
    expect(check.fix).toBe(`npx rosetta setup tfjs-node-gpu (builds the addon against ${join(dir, 'deps')} offline; needs g++, make and Python 3)`);
  });

  it('passes once --from has installed both', async () => {
    const dir = await standInPackage();
    await installLibtensorflowFrom(await archive('for-doctor'), dir, quiet);
    const check = addonCheck(await diagnoseTfjsNodeGpu(dir));
    expect(check).toMatchObject({ ok: true, detail: `${join(dir, 'lib', 'napi-v8', 'tfjs_binding.node')}, ${join(dir, 'deps', 'lib')}` });
  });
});

describe('the install step outside npm', () => {
  it('gets npm\'s node_modules/.bin on PATH and Node\'s own headers for node-gyp', async () => {
    const dir = await standInPackage();
    const env = installScriptEnvironment(dir, { PATH: '/usr/bin' });
    expect(env['PATH']).toBe(`${join(dir, '..', '..', '.bin')}:/usr/bin`);
    const headers = join(dirname(dirname(process.execPath)), 'include', 'node', 'node_api.h');
    expect(env['npm_config_nodedir']).toBe(existsSync(headers) ? dirname(dirname(process.execPath)) : undefined);
    expect(installScriptEnvironment(dir, { npm_config_nodedir: '/opt/node' })['npm_config_nodedir']).toBe('/opt/node');
  });

  it('picks the compiler\'s error out of node-gyp\'s output, else the download\'s', () => {
    const build = [
      "node-pre-gyp ERR! install request to https://storage.googleapis.com/tf-builds/pre-built-binary/napi-v8/4.22.0/GPU-linux-4.22.0.tar.gz failed, reason: getaddrinfo ENOTFOUND storage.googleapis.com",
      'gyp info spawn make',
      '../binding/tfjs_backend.cc:27:10: fatal error: tensorflow/c/tf_datatype.h: No such file or directory',
      "gyp ERR! stack Error: `make` failed with exit code: 2",
      'gyp ERR! stack at ChildProcess.emit (node:events:524:28)',
    ].join('\n');
    expect(keyLines(build)).toBe('../binding/tfjs_backend.cc:27:10: fatal error: tensorflow/c/tf_datatype.h: No such file or directory');
    const download = ['* Downloading libtensorflow', 'https://x', 'Error: TAR_BAD_ARCHIVE: Unrecognized archive format', '    at Unpack.end (parse.js:548:14)', "  code: 'TAR_BAD_ARCHIVE',"].join('\n');
    expect(keyLines(download)).toBe('Error: TAR_BAD_ARCHIVE: Unrecognized archive format');
    expect(keyLines('')).toBe('(no output)');
  });
});
