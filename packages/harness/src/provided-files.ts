/**
 * Files a user hands to `rosetta setup ... --from`: a directory, or an archive of the
 * kinds such libraries are shipped in (an npm or other .tgz, a NuGet .nupkg, a .zip), in
 * which the wanted files are found by name wherever they sit.
 */
import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { unzipSync } from 'fflate';
import { x as extractTar } from 'tar';
import { SetupError } from './diagnosis.js';

async function findInDirectory(dir: string, wanted: ReadonlySet<string>, found: Map<string, string>): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await findInDirectory(path, wanted, found);
    else if (wanted.has(entry.name) && !found.has(entry.name)) found.set(entry.name, path);
  }
}

/**
 * The path of each wanted file (by base name) in `from`; archives are unpacked (wanted
 * files only) into a temporary directory first. Refuses, naming every missing file, when
 * one of them is not there.
 */
export async function providedFiles(from: string, names: readonly string[]): Promise<Map<string, string>> {
  const wanted = new Set(names);
  const found = new Map<string, string>();
  let kind: 'directory' | 'archive';
  try {
    kind = (await stat(from)).isDirectory() ? 'directory' : 'archive';
  } catch (error) {
    throw new SetupError(`${from}: cannot be read (${(error as Error).message})`);
  }
  if (kind === 'directory') {
    await findInDirectory(from, wanted, found);
  } else {
    const dir = await mkdtemp(join(tmpdir(), 'rosetta-setup-'));
    if (/\.(zip|nupkg)$/i.test(from)) {
      let files: Record<string, Uint8Array>;
      try {
        files = unzipSync(await readFile(from), { filter: (file) => wanted.has(basename(file.name)) });
      } catch (error) {
        throw new SetupError(`${from}: not a readable zip archive (${(error as Error).message})`);
      }
      for (const [name, data] of Object.entries(files)) {
        const path = join(dir, basename(name));
        await writeFile(path, data);
        if (!found.has(basename(name))) found.set(basename(name), path);
      }
    } else if (/\.(tgz|tar\.gz|tar)$/i.test(from)) {
      try {
        await extractTar({ file: from, cwd: dir, filter: (path) => wanted.has(basename(path)) });
      } catch (error) {
        throw new SetupError(`${from}: not a readable tar archive (${(error as Error).message})`);
      }
      await findInDirectory(dir, wanted, found);
    } else {
      throw new SetupError(`${from}: neither a directory nor an archive this command reads (.tgz, .tar.gz, .tar, .zip, .nupkg)`);
    }
  }
  const missing = names.filter((name) => !found.has(name));
  if (missing.length > 0) throw new SetupError(`${from} lacks ${missing.join(' and ')}: nothing was installed`);
  return found;
}
