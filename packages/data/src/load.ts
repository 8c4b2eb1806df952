/**
 * loadDataset / fetchDataset / verifyDatasets: obtain the file, verify it, parse it.
 *
 * The file is hashed in the same pass that parses it (the CIFAR tar.gz streams through
 * gunzip and tar once: 0.9 to 1.6 s for the 120 MB shared subset on the 2-core development
 * machine, so extracted .bin files are not cached on disk). Parsed datasets are kept in memory only, keyed by
 * path, size and modification time, so `verify` followed by `train` in one process parses once.
 */
import { existsSync } from 'node:fs';
import { readFile, rm, stat } from 'node:fs/promises';
import { readCifarTarGz } from './cifar.js';
import { Digests, describeChecksum, hashedChunks, hashFile, matches, type FileDigests } from './checksum.js';
import type { Dataset, DatasetName, DatasetSource, ImageSplit, TokenSplit } from './dataset.js';
import { download, logToStderr } from './download.js';
import { readImdbNpz } from './imdb.js';
import { DATASET_NAMES } from './manifest.js';
import { locateDataset, type DataOptions, type DatasetFile } from './source.js';

export class DatasetError extends Error {
  override readonly name = 'DatasetError';
}

interface ParsedFile {
  readonly digests: FileDigests;
  /** Absent when the file failed its checksum: such a file is never parsed into a dataset. */
  readonly splits?: { readonly train: ImageSplit | TokenSplit; readonly test: ImageSplit | TokenSplit };
}

const parsed = new Map<string, Promise<ParsedFile>>();

/**
 * Makes sure a verified local copy exists: downloads it when absent, downloads it again when
 * the cached copy fails its checksum. A mirror directory's file is only checked, never changed.
 */
export async function fetchDataset(name: DatasetName, options: DataOptions = {}): Promise<DatasetFile> {
  const file = await locateDataset(name, options);
  if (!existsSync(file.path)) {
    await obtain(file, options);
    return file;
  }
  const digests = await hashFile(file.path, file.checksum);
  if (!matches(file.checksum, digests)) await refetchOrFail(file, digests, options);
  return file;
}

export function loadDataset(name: 'cifar10', options?: DataOptions): Promise<Dataset<ImageSplit>>;
export function loadDataset(name: 'imdb', options?: DataOptions): Promise<Dataset<TokenSplit>>;
export function loadDataset(name: DatasetName, options?: DataOptions): Promise<Dataset>;
export async function loadDataset(name: DatasetName, options: DataOptions = {}): Promise<Dataset> {
  return load(name, options, true);
}

/** Loads a dataset; without `allowDownload`, a missing or corrupt local file is an error instead of a download. */
async function load(name: DatasetName, options: DataOptions, allowDownload: boolean): Promise<Dataset> {
  const file = await locateDataset(name, options);
  if (!existsSync(file.path)) {
    if (!allowDownload) throw new DatasetError(`${file.path}: not downloaded yet`);
    await obtain(file, options);
  }
  let result = await parseCached(file);
  if (result.splits === undefined) {
    if (!allowDownload) throw new ChecksumMismatch(mismatch(file, result.digests));
    await refetchOrFail(file, result.digests, options);
    result = await parseCached(file);
  }
  const splits = result.splits;
  if (splits === undefined) throw new ChecksumMismatch(`${file.path}: still fails its checksum after downloading it again`);
  checkCounts(file, splits);
  const info: DatasetSource = {
    name,
    source: file.source,
    sha256: result.digests.sha256,
    format: file.format,
    subset: file.entry.subset === true,
    ...(file.entry.synthetic === true && { synthetic: true }),
  };
  return { info, train: splits.train, test: splits.test };
}

/** What `rosetta data verify|fetch` prints for one dataset. */
export interface DatasetVerification {
  readonly name: DatasetName;
  /** URL or mirror file. */
  readonly source: string;
  /** Local file (empty when it could not be located). */
  readonly file: string;
  readonly format: string;
  /** ok: present, checksum and counts right. missing: not downloaded yet. failed: see problem. */
  readonly status: 'ok' | 'missing' | 'failed';
  readonly sha256?: string;
  readonly checksumOk?: boolean;
  readonly train?: number;
  readonly test?: number;
  readonly subset?: boolean;
  readonly problem?: string;
}

/**
 * Checks every dataset: checksum, parse, counts. With `download`, missing files are fetched
 * first (`rosetta data fetch`); without, they are reported as missing (`rosetta data verify`).
 */
export async function verifyDatasets(options: DataOptions & { readonly download?: boolean } = {}): Promise<DatasetVerification[]> {
  const reports: DatasetVerification[] = [];
  for (const name of DATASET_NAMES) {
    let file: DatasetFile | undefined;
    try {
      file = await locateDataset(name, options);
      const where = { name, source: file.source, file: file.path, format: file.format, subset: file.entry.subset === true };
      if (!existsSync(file.path) && options.download !== true) {
        reports.push({ ...where, status: 'missing', problem: 'not downloaded; run `rosetta data fetch`' });
        continue;
      }
      const dataset = await load(name, options, options.download === true);
      reports.push({ ...where, status: 'ok', sha256: dataset.info.sha256, checksumOk: true, train: dataset.train.count, test: dataset.test.count });
    } catch (error) {
      reports.push({
        name, source: file?.source ?? '', file: file?.path ?? '', format: file?.format ?? '',
        status: 'failed', ...(error instanceof ChecksumMismatch && { checksumOk: false }), problem: (error as Error).message,
      });
    }
  }
  return reports;
}

/** A plain-text table of verification reports. */
export function formatVerification(reports: readonly DatasetVerification[]): string {
  return reports.map((r) => {
    const head = `${r.name}: ${r.status}${r.subset === true ? ' (subset)' : ''}`;
    const lines = [head, `  source ${r.source}`, `  file   ${r.file}`, `  format ${r.format}`];
    if (r.sha256 !== undefined) lines.push(`  sha256 ${r.sha256} ${r.checksumOk === true ? 'ok' : 'MISMATCH'}`);
    if (r.train !== undefined) lines.push(`  train  ${r.train.toLocaleString('en-US')}`, `  test   ${r.test!.toLocaleString('en-US')}`);
    if (r.problem !== undefined) lines.push(`  ${r.problem}`);
    return lines.join('\n');
  }).join('\n');
}

class ChecksumMismatch extends DatasetError {}

async function obtain(file: DatasetFile, options: DataOptions): Promise<void> {
  if (file.url === undefined) throw new DatasetError(`${file.path}: missing from the mirror directory`);
  (options.log ?? logToStderr)(`downloading ${file.url} -> ${file.path}`);
  await download({
    url: file.url,
    destination: file.path,
    checksum: file.checksum,
    ...(file.entry.bytes !== undefined && { bytes: file.entry.bytes }),
    ...(options.progress !== undefined && { progress: options.progress }),
    ...(options.log !== undefined && { log: options.log }),
  });
}

/** A downloaded copy that fails its checksum is fetched again; a mirror file is an error. */
function mismatch(file: DatasetFile, digests: FileDigests): string {
  return `${file.path}: checksum mismatch: expected ${describeChecksum(file.checksum)}, got ${digests[file.checksum.algorithm]}`;
}

async function refetchOrFail(file: DatasetFile, digests: FileDigests, options: DataOptions): Promise<void> {
  const problem = mismatch(file, digests);
  if (file.url === undefined) throw new ChecksumMismatch(problem);
  (options.log ?? logToStderr)(`${problem}; downloading again`);
  await rm(file.path, { force: true });
  await obtain(file, options);
}

async function parseCached(file: DatasetFile): Promise<ParsedFile> {
  const { size, mtimeMs } = await stat(file.path);
  const key = `${file.path}|${size}|${mtimeMs}|${file.format}|${file.checksum.algorithm}`;
  let pending = parsed.get(key);
  if (pending === undefined) {
    pending = parseFile(file);
    parsed.set(key, pending);
  }
  try {
    const result = await pending;
    if (result.splits === undefined) parsed.delete(key);
    return result;
  } catch (error) {
    parsed.delete(key);
    throw error;
  }
}

/** Parses and hashes in one read of the file. */
async function parseFile(file: DatasetFile): Promise<ParsedFile> {
  const digests = new Digests(file.checksum);
  try {
    let splits: ParsedFile['splits'];
    if (file.format === 'cifar10-binary-tar-gz') {
      splits = await readCifarTarGz(hashedChunks(file.path, digests), file.path);
    } else {
      const bytes = await readFile(file.path);
      digests.update(bytes);
      const done = digests.finish();
      return matches(file.checksum, done) ? { digests: done, splits: readImdbNpz(bytes, file.path, file.format) } : { digests: done };
    }
    const done = digests.finish();
    return matches(file.checksum, done) ? { digests: done, splits } : { digests: done };
  } catch (error) {
    // A corrupt archive usually breaks the parser before its hash is complete: then the
    // checksum, not the parse error, is the finding.
    const full = await hashFile(file.path, file.checksum);
    if (!matches(file.checksum, full)) return { digests: full };
    throw error;
  }
}

function checkCounts(file: DatasetFile, splits: NonNullable<ParsedFile['splits']>): void {
  for (const split of ['train', 'test'] as const) {
    const expected = file.entry[split];
    if (expected !== undefined && splits[split].count !== expected) {
      throw new DatasetError(`${file.path}: ${splits[split].count} ${split} samples, but the manifest says ${expected}`);
    }
  }
}
