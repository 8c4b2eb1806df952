/**
 * Where a dataset file comes from and where it lives on disk.
 *
 *   - No mirror: the canonical upstream URL, downloaded into `<cache>/<name>/<file>`.
 *   - Directory mirror (ROSETTA_DATASET_MIRROR=/path): its manifest.json names the files,
 *     which are read and verified in place, never copied (the shared CIFAR subset is 120 MB).
 *   - URL mirror (ROSETTA_DATASET_MIRROR=http://host/path): its manifest.json is fetched and
 *     the files are downloaded into `<cache>/mirrors/<host_path>/<file>`, apart from the
 *     canonical files (a subset must never overwrite, or be mistaken for, the full file).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DatasetName } from './dataset.js';
import type { Checksum } from './checksum.js';
import { DownloadError } from './download.js';
import { expectedChecksum, manifestEntry, parseManifest, UPSTREAM, type DatasetFormat, type Manifest, type ManifestEntry } from './manifest.js';
import { datasetsDir, findWorkspaceRoot } from './workspace.js';

/** Env var naming a mirror directory or base URL that replaces the canonical sources. */
export const MIRROR_ENV = 'ROSETTA_DATASET_MIRROR';

export interface DataOptions {
  /** Cache directory; default $ROSETTA_DATASETS_DIR or `<workspace root>/datasets`. */
  readonly cacheDir?: string;
  /** Mirror directory or http(s) base URL; default $ROSETTA_DATASET_MIRROR. '' forces the canonical URLs. */
  readonly mirror?: string;
  /** Download progress bar on stderr; default: when stderr is a terminal. */
  readonly progress?: boolean;
  /** Notices (downloads, retries); default stderr. */
  readonly log?: (line: string) => void;
}

/** A dataset file resolved to a local path, with everything needed to check and refresh it. */
export interface DatasetFile {
  readonly name: DatasetName;
  readonly format: DatasetFormat;
  /** The local file. */
  readonly path: string;
  /** The URL it is downloaded from, or the mirror file it is read from in place. */
  readonly source: string;
  /** Set when the file is a downloaded copy that can be fetched again. */
  readonly url?: string;
  readonly checksum: Checksum;
  readonly entry: ManifestEntry;
}

export async function locateDataset(name: DatasetName, options: DataOptions = {}): Promise<DatasetFile> {
  const mirror = options.mirror ?? process.env[MIRROR_ENV] ?? '';
  if (mirror === '') {
    const { url, entry } = UPSTREAM[name];
    return { name, format: entry.format, path: join(datasetsDir(options.cacheDir), name, entry.file), source: url, url, checksum: expectedChecksum(entry), entry };
  }
  if (/^https?:\/\//i.test(mirror)) {
    const base = mirror.endsWith('/') ? mirror : `${mirror}/`;
    const manifestUrl = new URL('manifest.json', base).href;
    const entry = manifestEntry(await fetchManifest(manifestUrl), name, manifestUrl);
    const url = new URL(entry.file, base).href;
    const folder = base.replace(/^https?:\/\//i, '').replace(/[^A-Za-z0-9.-]+/g, '_').replace(/_+$/, '');
    const path = join(datasetsDir(options.cacheDir), 'mirrors', folder, ...entry.file.split('/'));
    return { name, format: entry.format, path, source: url, url, checksum: expectedChecksum(entry), entry };
  }
  const dir = mirrorDirectory(mirror);
  const manifestPath = join(dir, 'manifest.json');
  const entry = manifestEntry(parseManifest(await readFile(manifestPath, 'utf8'), manifestPath), name, manifestPath);
  const path = join(dir, ...entry.file.split('/'));
  return { name, format: entry.format, path, source: path, checksum: expectedChecksum(entry), entry };
}

/**
 * A relative mirror path is taken from the current directory, or else from the workspace
 * root: Nx runs targets inside the package folder, where `../shared/datasets` from the
 * repository root would not resolve.
 */
function mirrorDirectory(mirror: string): string {
  const path = mirror.startsWith('file:') ? fileURLToPath(mirror) : mirror;
  const candidates = [resolve(path)];
  if (!path.startsWith('/')) {
    try {
      candidates.push(resolve(findWorkspaceRoot(), path));
    } catch {
      // No workspace around: only the current directory applies.
    }
  }
  const found = candidates.find((dir) => existsSync(join(dir, 'manifest.json')));
  if (found === undefined) throw new Error(`dataset mirror ${mirror}: no manifest.json in ${[...new Set(candidates)].join(' or ')}`);
  return found;
}

const manifests = new Map<string, Promise<Manifest>>();

/** A URL mirror's manifest, fetched once per process. */
function fetchManifest(url: string): Promise<Manifest> {
  let pending = manifests.get(url);
  if (pending === undefined) {
    pending = (async () => {
      let response: Response;
      try {
        response = await fetch(url);
      } catch (error) {
        throw new DownloadError(url, `request failed: ${(error as Error).message}`, true);
      }
      if (!response.ok) throw new DownloadError(url, response.status === 404 ? 'not found (HTTP 404)' : `HTTP ${response.status}`, false);
      return parseManifest(await response.text(), url);
    })();
    pending.catch(() => manifests.delete(url));
    manifests.set(url, pending);
  }
  return pending;
}
