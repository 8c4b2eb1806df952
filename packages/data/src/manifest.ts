/**
 * `manifest.json` of a dataset mirror (see /work/shared/datasets/manifest.json) and the
 * canonical upstream sources, which are that manifest's "upstream" entries.
 */
import type { DatasetName } from './dataset.js';
import type { Checksum } from './checksum.js';
import { parseJson } from './json.js';

export const DATASET_NAMES: readonly DatasetName[] = ['cifar10', 'imdb'];

export type DatasetFormat = 'cifar10-binary-tar-gz' | 'keras-imdb-raw' | 'keras-imdb-loaded';
const FORMATS: readonly DatasetFormat[] = ['cifar10-binary-tar-gz', 'keras-imdb-raw', 'keras-imdb-loaded'];
const FORMAT_OF: Readonly<Record<DatasetName, readonly DatasetFormat[]>> = {
  cifar10: ['cifar10-binary-tar-gz'],
  imdb: ['keras-imdb-raw', 'keras-imdb-loaded'],
};

/** One dataset entry of a mirror manifest. */
export interface ManifestEntry {
  /** Path relative to the manifest's directory or base URL. */
  readonly file: string;
  readonly format: DatasetFormat;
  readonly sha256?: string;
  readonly md5?: string;
  readonly bytes?: number;
  /** Expected train / test sample counts. */
  readonly train?: number;
  readonly test?: number;
  /** A subset of the upstream dataset. */
  readonly subset?: boolean;
  /** Generated data (writeSyntheticMirror), not real images or reviews. */
  readonly synthetic?: boolean;
  /** keras-imdb-loaded only: the load_data arguments the file was processed with (informative). */
  readonly startChar?: number;
  readonly oovChar?: number;
  readonly indexFrom?: number;
  readonly numWords?: number;
}

export interface Manifest {
  readonly description?: string;
  readonly datasets: Readonly<Record<string, ManifestEntry>>;
}

/** The canonical sources, as in the shared manifest's "upstream" section. */
export const UPSTREAM: Readonly<Record<DatasetName, { readonly url: string; readonly entry: ManifestEntry }>> = {
  cifar10: {
    url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',
    entry: { file: 'cifar-10-binary.tar.gz', format: 'cifar10-binary-tar-gz', md5: 'c32a1d4ab5d03f1284b67883e8d87530', train: 50_000, test: 10_000 },
  },
  imdb: {
    url: 'https://storage.googleapis.com/tensorflow/tf-keras-datasets/imdb.npz',
    entry: {
      file: 'imdb.npz', format: 'keras-imdb-raw', bytes: 17_464_789, train: 25_000, test: 25_000,
      sha256: '69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f',
    },
  },
};

export class ManifestError extends Error {
  override readonly name = 'ManifestError';
}

/** Parses and checks a manifest; `origin` (its path or URL) names it in errors. */
export function parseManifest(text: string, origin: string): Manifest {
  const json = parseJson(text, origin, (message) => new ManifestError(message));
  const datasets = (json as { datasets?: unknown } | null)?.datasets;
  if (typeof datasets !== 'object' || datasets === null) throw new ManifestError(`${origin}: no "datasets" object`);
  const description = (json as { description?: unknown }).description;
  return { ...(typeof description === 'string' && { description }), datasets: datasets as Record<string, ManifestEntry> };
}

/** The entry for `name`, checked: a known format for that dataset, a safe relative path, a checksum. */
export function manifestEntry(manifest: Manifest, name: DatasetName, origin: string): ManifestEntry {
  const entry = manifest.datasets[name] as Partial<ManifestEntry> | undefined;
  const fail = (what: string): never => {
    throw new ManifestError(`${origin}: dataset "${name}": ${what}`);
  };
  if (entry === undefined || typeof entry !== 'object') return fail('missing');
  const { file, format, sha256, md5 } = entry;
  if (typeof file !== 'string' || file === '' || file.startsWith('/') || file.split(/[\\/]/).some((part) => part === '..' || part === '')) {
    fail(`"file" must be a relative path inside the mirror, got ${JSON.stringify(file)}`);
  }
  if (!FORMATS.includes(format as DatasetFormat) || !FORMAT_OF[name].includes(format as DatasetFormat)) {
    fail(`"format" ${JSON.stringify(format)} is not one of ${FORMAT_OF[name].join(', ')}`);
  }
  if (!isHex(sha256, 64) && !isHex(md5, 32)) fail('needs a "sha256" (64 hex digits) or "md5" (32 hex digits)');
  for (const key of ['bytes', 'train', 'test'] as const) {
    const value = entry[key];
    if (value !== undefined && (!Number.isInteger(value) || value < 0)) fail(`"${key}" must be a non-negative integer`);
  }
  return entry as ManifestEntry;
}

/** SHA-256 when the manifest has it, else MD5. */
export function expectedChecksum(entry: ManifestEntry): Checksum {
  return entry.sha256 !== undefined
    ? { algorithm: 'sha256', hex: entry.sha256.toLowerCase() }
    : { algorithm: 'md5', hex: entry.md5!.toLowerCase() };
}

function isHex(value: unknown, length: number): boolean {
  return typeof value === 'string' && value.length === length && /^[0-9a-fA-F]+$/.test(value);
}
