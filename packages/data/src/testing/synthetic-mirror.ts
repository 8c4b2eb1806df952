/**
 * A synthetic dataset mirror for tests: the seeded generators of synthetic.ts written in
 * the exact canonical file formats (CIFAR-10 binary tar.gz, Keras IMDB .npz), plus a
 * manifest.json, so tests exercise the real download and parse paths without the network.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import seedrandom from 'seedrandom';
import { create as createTar } from 'tar';
import { RNN_SPEC } from '@rosetta/spec';
import { temporaryPath, writeFileAtomic } from '../atomic.js';
import { CIFAR_RECORD_BYTES, type CifarBatchFile } from '../cifar.js';
import type { Manifest, ManifestEntry } from '../manifest.js';
import { cifarRecords, reviews, SYNTHETIC_NUM_WORDS } from '../synthetic.js';
import { writeNpz } from './numpy-writer.js';

export interface SyntheticOptions {
  readonly seed: number | string;
  /** Sample counts; defaults 640 / 128 images and 640 / 128 reviews. */
  readonly cifarTrain?: number;
  readonly cifarTest?: number;
  readonly imdbTrain?: number;
  readonly imdbTest?: number;
}

export const SYNTHETIC_CIFAR_FILE = 'cifar10/cifar-10-binary.tar.gz';
export const SYNTHETIC_IMDB_FILE = 'imdb/imdb_synthetic.npz';
const CLASS_NAMES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/** Writes `<dir>/manifest.json`, a CIFAR-10 binary tar.gz and a keras-imdb-loaded .npz; returns the manifest. */
export async function writeSyntheticMirror(dir: string, options: SyntheticOptions): Promise<Manifest> {
  const { seed, cifarTrain = 640, cifarTest = 128, imdbTrain = 640, imdbTest = 128 } = options;
  const cifarRandom = seedrandom(`${seed}/cifar10`);
  const trainRecords = cifarRecords(cifarTrain, cifarRandom);
  // Five training files of unequal sizes: readers must count records from the file size.
  const cut = (k: number) => Math.round((cifarTrain * k * (k + 1)) / 30);
  const members: CifarBatchFile[] = [1, 2, 3, 4, 5].map((k) => ({
    name: `cifar-10-batches-bin/data_batch_${k}.bin`,
    bytes: trainRecords.subarray(cut(k - 1) * CIFAR_RECORD_BYTES, cut(k) * CIFAR_RECORD_BYTES),
  }));
  members.push(
    { name: 'cifar-10-batches-bin/test_batch.bin', bytes: cifarRecords(cifarTest, cifarRandom) },
    { name: 'cifar-10-batches-bin/batches.meta.txt', bytes: new TextEncoder().encode(`${CLASS_NAMES.join('\n')}\n\n`) },
  );
  const cifarPath = join(dir, SYNTHETIC_CIFAR_FILE);
  await writeCifarTarGz(cifarPath, members);

  const imdbRandom = seedrandom(`${seed}/imdb`);
  const train = reviews(imdbTrain, imdbRandom);
  const test = reviews(imdbTest, imdbRandom);
  const npz = writeNpz({
    x_train: { descr: '|O', shape: [imdbTrain], data: train.reviews },
    y_train: { descr: '<i8', shape: [imdbTrain], data: train.labels },
    x_test: { descr: '|O', shape: [imdbTest], data: test.reviews },
    y_test: { descr: '<i8', shape: [imdbTest], data: test.labels },
  });
  await writeFileAtomic(join(dir, SYNTHETIC_IMDB_FILE), npz);

  const cifarBytes = await readFile(cifarPath);
  const entry = (file: string, format: ManifestEntry['format'], bytes: Uint8Array, trainCount: number, testCount: number): ManifestEntry => ({
    file, format, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length,
    train: trainCount, test: testCount, subset: false, synthetic: true,
  });
  const manifest: Manifest = {
    description: `Synthetic CIFAR-10 and Keras IMDB in the canonical formats (seed ${seed}); learnable, not real data.`,
    datasets: {
      cifar10: entry(SYNTHETIC_CIFAR_FILE, 'cifar10-binary-tar-gz', cifarBytes, cifarTrain, cifarTest),
      imdb: {
        ...entry(SYNTHETIC_IMDB_FILE, 'keras-imdb-loaded', npz, imdbTrain, imdbTest),
        startChar: RNN_SPEC.startToken, oovChar: RNN_SPEC.outOfVocabulary, indexFrom: RNN_SPEC.indexFrom, numWords: SYNTHETIC_NUM_WORDS,
      },
    },
  };
  await writeFileAtomic(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** Writes a gzipped tar of the given members (paths inside the archive), reproducibly and atomically. */
export async function writeCifarTarGz(path: string, members: readonly CifarBatchFile[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const staging = await mkdtemp(join(dirname(path), '.tar-staging-'));
  const temporary = temporaryPath(path);
  try {
    for (const { name, bytes } of members) {
      await mkdir(dirname(join(staging, name)), { recursive: true });
      await writeFile(join(staging, name), bytes);
    }
    await createTar(
      { gzip: true, file: temporary, cwd: staging, portable: true, mtime: new Date('2009-05-26T00:00:00Z') },
      members.map((m) => m.name),
    );
    await rename(temporary, path);
  } finally {
    await rm(staging, { recursive: true, force: true });
    await rm(temporary, { force: true });
  }
}
