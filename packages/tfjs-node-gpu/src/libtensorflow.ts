/**
 * Installs libtensorflow 2.9.1 as @tensorflow/tfjs-node-gpu's deps/ from a copy the user
 * already has (the official archive or its extracted folder), since the package's own
 * download no longer works, and builds the package's addon against it. The new deps/ replaces the
 * old one only once the addon is built: until then the old one is kept aside and put back
 * on any failure.
 */
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, statSync } from 'node:fs';
import { copyFile, cp, lstat, mkdir, mkdtemp, readdir, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { x as extractTar } from 'tar';
import { SetupError } from '@rosetta/harness';

export const LIBTENSORFLOW_VERSION = '2.9.1';
export const LIBTENSORFLOW_ARCHIVE = `libtensorflow-gpu-linux-x86_64-${LIBTENSORFLOW_VERSION}.tar.gz`;

/** What node-gyp compiles against and install.js looks for (it downloads again, wiping deps/, when the versioned library is absent). */
export const REQUIRED_PIECES = [
  `lib/libtensorflow.so.${LIBTENSORFLOW_VERSION}`,
  `lib/libtensorflow_framework.so.${LIBTENSORFLOW_VERSION}`,
  'include/tensorflow/c/c_api.h',
  'include/tensorflow/c/eager/c_api.h',
] as const;

/** The names the linker (-ltensorflow) and the addon at run time (its SONAMEs) ask for, beside each versioned library. */
const ALIASES: ReadonlyArray<readonly [alias: string, target: string]> = ['libtensorflow', 'libtensorflow_framework'].flatMap((base) => [
  [`${base}.so.2`, `${base}.so.${LIBTENSORFLOW_VERSION}`] as const,
  [`${base}.so`, `${base}.so.${LIBTENSORFLOW_VERSION}`] as const,
]);

/**
 * Runs the package's scripts/install.js with `args` in the package directory; resolves to
 * its output, or rejects with an Error carrying the output in `output`.
 */
export type RunInstallScript = (packageDir: string, args: readonly string[]) => Promise<string>;

export class InstallScriptError extends Error {
  override readonly name = 'InstallScriptError';
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(message);
  }
}

/**
 * The environment npm gives install scripts, which the package's script relies on when run
 * outside npm: node-pre-gyp is found on PATH (node_modules/.bin of the package and every
 * folder above it), and node-gyp compiles against the running Node's own headers instead
 * of downloading them from nodejs.org, which fails offline.
 */
export function installScriptEnvironment(packageDir: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const bins: string[] = [];
  for (let dir = packageDir; ; dir = dirname(dir)) {
    const bin = join(dir, 'node_modules', '.bin');
    if (existsSync(bin)) bins.push(bin);
    if (dirname(dir) === dir) break;
  }
  const result: NodeJS.ProcessEnv = { ...env, PATH: [...bins, env['PATH'] ?? ''].filter(Boolean).join(':') };
  const prefix = dirname(dirname(process.execPath));
  if (!env['npm_config_nodedir'] && existsSync(join(prefix, 'include', 'node', 'node_api.h'))) result['npm_config_nodedir'] = prefix;
  return result;
}

export const runInstallScript: RunInstallScript = (packageDir, args) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['scripts/install.js', ...args], {
      cwd: packageDir,
      env: installScriptEnvironment(packageDir),
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30 * 60_000,
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', (error) => reject(new InstallScriptError(`${join(packageDir, 'scripts/install.js')} could not be started: ${error.message}`, '')));
    child.on('close', (code, signal) => {
      const output = Buffer.concat(chunks).toString('utf8');
      if (code === 0) resolve(output);
      else reject(new InstallScriptError(`node scripts/install.js ${args.join(' ')} in ${packageDir} ${signal ? `was killed (${signal})` : `exited with ${code}`}`, output));
    });
  });

/**
 * The lines of an install script's output that say what went wrong: the compiler's error
 * first, then a download's; node-gyp's stack traces and banners say nothing of the cause.
 */
export function keyLines(output: string): string {
  const lines = output.split('\n').map((line) => line.trim()).filter(Boolean);
  const patterns = [/: (fatal )?error: /, /\b403\b|Forbidden|TAR_BAD_ARCHIVE|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT/, /\berror\b/i];
  for (const pattern of patterns) {
    // Stack frames, node-gyp's banners and the fields Node prints under an error repeat what the first line says.
    const noise = /ERR! (stack|System|command|cwd|node -v|node-gyp -v|node-pre-gyp -v|not ok)|^at |^\w+: ['"\d]/;
    const found = lines.filter((line) => pattern.test(line) && !noise.test(line));
    if (found.length > 0) return [...new Set(found)].slice(0, 2).join(' | ');
  }
  return lines.slice(-3).join(' | ') || '(no output)';
}

/** The whole output beside what it describes, for the error message to point at; written whole or not at all. */
export async function writeInstallLog(packageDir: string, output: string): Promise<string> {
  const path = join(packageDir, 'rosetta-setup.log');
  const partial = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(partial, output);
    await rename(partial, path);
    return path;
  } catch {
    await rm(partial, { force: true });
    return '(the output could not be saved)';
  }
}

/** The native addon the build leaves, if any. */
export function findAddon(packageDir: string): string | null {
  const lib = join(packageDir, 'lib');
  if (!existsSync(lib)) return null;
  const dir = readdirSync(lib).find((name) => /^napi-v\d+$/.test(name) && existsSync(join(lib, name, 'tfjs_binding.node')));
  return dir === undefined ? null : join(lib, dir, 'tfjs_binding.node');
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Every required piece `root` lacks, with what it holds instead when that is another version. */
export function missingPieces(root: string): string[] {
  return REQUIRED_PIECES.filter((piece) => !isFile(join(root, piece))).map((piece) => {
    const base = /^lib\/(libtensorflow(?:_framework)?)\.so/.exec(piece)?.[1];
    if (base === undefined || !existsSync(join(root, 'lib'))) return piece;
    const others = readdirSync(join(root, 'lib')).filter((name) => new RegExp(`^${base}\\.so\\.\\d+\\.\\d+\\.\\d+$`).test(name));
    return others.length === 0 ? piece : `${piece} (it has ${others.join(', ')}; @tensorflow/tfjs-node-gpu 4.22.0 needs ${LIBTENSORFLOW_VERSION})`;
  });
}

/** True when `packageDir`'s deps/ holds every required piece. */
export function depsComplete(packageDir: string): boolean {
  return missingPieces(join(packageDir, 'deps')).length === 0;
}

/** `dir` itself, or the one folder inside it that a repacked archive may wrap the layout in. */
async function layoutRoot(dir: string): Promise<string> {
  if (existsSync(join(dir, 'lib')) || existsSync(join(dir, 'include'))) return dir;
  const entries = await readdir(dir, { withFileTypes: true });
  const folders = entries.filter((entry) => entry.isDirectory());
  return folders.length === 1 && entries.length === 1 ? join(dir, folders[0]!.name) : dir;
}

/**
 * Copies (or, from our own unpacked archive, moves) the libraries, headers and licences
 * from `root` into `into`, and nothing else: `--from /usr/local` must not bring all of
 * /usr/local/lib along. Versioned libraries are copied through any link, since a link
 * into the user's folder would break when that folder goes.
 */
async function collect(root: string, into: string, move: boolean): Promise<void> {
  const place = async (from: string, to: string): Promise<void> => {
    if (move && !(await lstat(from)).isSymbolicLink()) await rename(from, to);
    else await copyFile(from, to);
  };
  await mkdir(join(into, 'lib'), { recursive: true });
  for (const name of await readdir(join(root, 'lib'))) {
    if (!name.startsWith('libtensorflow') || !isFile(join(root, 'lib', name))) continue;
    // Aliases are made below as links within deps/lib, whatever the source had.
    if (ALIASES.some(([alias]) => alias === name)) continue;
    await place(join(root, 'lib', name), join(into, 'lib', name));
  }
  for (const [alias, target] of ALIASES) await symlink(target, join(into, 'lib', alias));
  await mkdir(join(into, 'include'));
  if (move) await rename(join(root, 'include', 'tensorflow'), join(into, 'include', 'tensorflow'));
  else await cp(join(root, 'include', 'tensorflow'), join(into, 'include', 'tensorflow'), { recursive: true, dereference: true });
  for (const name of ['LICENSE', 'THIRD_PARTY_TF_C_LICENSES']) if (isFile(join(root, name))) await place(join(root, name), join(into, name));
}

function refuseIncomplete(from: string, root: string): void {
  const missing = missingPieces(root);
  if (missing.length > 0) throw new SetupError(`${from} lacks ${missing.join(' and ')} (the layout of ${LIBTENSORFLOW_ARCHIVE}): nothing was installed`);
}

/**
 * What `from` is, refusing a folder that lacks a required piece before anything is
 * written; an archive can only be checked once unpacked.
 */
async function openSource(from: string): Promise<{ kind: 'directory'; root: string } | { kind: 'archive' }> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(from)).isDirectory();
  } catch (error) {
    throw new SetupError(`${from}: cannot be read (${(error as Error).message})`);
  }
  if (isDirectory) {
    const root = await layoutRoot(from);
    refuseIncomplete(from, root);
    return { kind: 'directory', root };
  }
  if (!/\.(tgz|tar\.gz|tar)$/i.test(from)) {
    throw new SetupError(`${from}: neither a folder nor a .tar.gz, .tgz or .tar archive (expected ${LIBTENSORFLOW_ARCHIVE} or its extracted folder)`);
  }
  return { kind: 'archive' };
}

/** Stages `from` as `into` inside `work`, refusing an archive that lacks a required piece. */
async function stage(from: string, source: Awaited<ReturnType<typeof openSource>>, work: string, into: string): Promise<void> {
  if (source.kind === 'directory') {
    await collect(source.root, into, false);
    return;
  }
  const unpacked = join(work, 'unpacked');
  await mkdir(unpacked);
  try {
    await extractTar({ file: from, cwd: unpacked, preserveOwner: false });
  } catch (error) {
    throw new SetupError(`${from}: not a readable tar archive (${(error as Error).message})`);
  }
  const root = await layoutRoot(unpacked);
  refuseIncomplete(from, root);
  await collect(root, into, true);
}

/** A failure after which the earlier deps/ is still in the work folder, which must then stay. */
class DepsNotRestoredError extends SetupError {}

/**
 * Runs `fn` with a fresh work folder beside deps/ (so that moving folders between the two
 * is a rename), and removes it afterwards unless it holds the earlier deps/. A removal that
 * fails, as when tar is still writing after it gave up on a broken archive, must not hide
 * why `fn` failed.
 */
export async function inWorkFolder<T>(packageDir: string, log: (line: string) => void, fn: (work: string) => Promise<T>): Promise<T> {
  const work = await mkdtemp(join(packageDir, '.rosetta-deps-'));
  let keep = false;
  try {
    return await fn(work);
  } catch (error) {
    keep = error instanceof DepsNotRestoredError;
    throw error;
  } finally {
    if (!keep) {
      try {
        await rm(work, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
      } catch (error) {
        log(`${work} could not be removed (${(error as Error).message}); nothing in it is needed, delete it`);
      }
    }
  }
}

/**
 * Runs `build` with `staged` (or, for null, an empty place for the build to fill) as the
 * package's deps/, keeping the new deps/ only when `build` succeeds and leaves an addon;
 * otherwise the previous deps/, if any, is put back and the failure rethrown. Linux cannot
 * swap two folders in one step, so the previous one is moved aside first, inside `work`
 * on the same file system.
 */
export async function withNewDeps(packageDir: string, staged: string | null, work: string, build: () => Promise<void>): Promise<string> {
  const deps = join(packageDir, 'deps');
  const previous = join(work, 'previous');
  const hadPrevious = (() => {
    try {
      lstatSync(deps);
      return true;
    } catch {
      return false;
    }
  })();
  if (hadPrevious) await rename(deps, previous);
  const restore = async (): Promise<void> => {
    await rm(deps, { recursive: true, force: true });
    if (hadPrevious) await rename(previous, deps);
  };
  try {
    if (staged !== null) await rename(staged, deps);
    await build();
    const addon = findAddon(packageDir);
    if (addon === null) {
      throw new SetupError(`${packageDir}: the build ended without error but left no lib/napi-v*/tfjs_binding.node; ${packageDir}/deps is left as it was`);
    }
    return addon;
  } catch (error) {
    try {
      await restore();
    } catch (restoreError) {
      throw new DepsNotRestoredError(
        `${(error as Error).message}; moreover the previous deps/ could not be put back (${(restoreError as Error).message}): it is in ${previous}, move it to ${deps}`,
      );
    }
    throw error;
  }
}

/**
 * Installs libtensorflow from `from` as `packageDir`'s deps/ and builds the addon against
 * it with `runScript` (the package's install step without its download); returns the
 * addon's path. Nothing of `packageDir` changes when `from` is refused or the build fails.
 */
export async function installLibtensorflowFrom(
  from: string,
  packageDir: string,
  log: (line: string) => void,
  runScript: RunInstallScript = runInstallScript,
): Promise<string> {
  const source = await openSource(from);
  return inWorkFolder(packageDir, log, async (work) => {
    const staged = join(work, 'deps');
    await stage(from, source, work, staged);
    log(`libtensorflow ${LIBTENSORFLOW_VERSION} from ${from} is complete; building the native addon against it (node scripts/install.js gpu in ${packageDir})`);
    return await withNewDeps(packageDir, staged, work, async () => {
      try {
        const output = await runScript(packageDir, ['gpu']);
        for (const line of output.split('\n').filter(Boolean)) log(`  ${line}`);
      } catch (error) {
        const output = error instanceof InstallScriptError ? error.output : '';
        const logPath = await writeInstallLog(packageDir, output);
        throw new SetupError(
          `building the native addon against libtensorflow from ${from} failed (${(error as Error).message}): ${keyLines(output)}; full output in ${logPath}. ` +
            `It needs g++, make, Python 3 and Node's headers; ${packageDir}/deps is left as it was`,
        );
      }
    });
  });
}
