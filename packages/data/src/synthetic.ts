/**
 * Seeded synthetic datasets in the exact canonical file formats, plus a manifest.json, so
 * tests exercise the real download/parse paths without the network. The data is learnable:
 *   - images: each class has its own base colour and stripe pattern, under uniform noise;
 *   - reviews: each class draws its "sentiment" words from its own token range, mixed
 *     with shared neutral words and OOV markers, like the shared Keras subset (vocabulary 500).
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import seedrandom from 'seedrandom';
import { create as createTar } from 'tar';
import { temporaryPath, writeFileAtomic } from './atomic.js';
import { CIFAR_IMAGE_BYTES, CIFAR_RECORD_BYTES, parseCifarRecords, type CifarBatchFile } from './cifar.js';
import type { ImageSplit, TokenSplit } from './dataset.js';
import { IMDB_INDEX_FROM, IMDB_OOV, IMDB_START, toTokenSplit } from './imdb.js';
import type { Manifest, ManifestEntry } from './manifest.js';
import { writeNpz } from './npz.js';

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
/** Vocabulary of the synthetic reviews, as in the shared subset (num_words = 500). */
const SYNTHETIC_NUM_WORDS = 500;
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
        startChar: IMDB_START, oovChar: IMDB_OOV, indexFrom: IMDB_INDEX_FROM, numWords: SYNTHETIC_NUM_WORDS,
      },
    },
  };
  await writeFileAtomic(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/**
 * The same generators as an in-memory split, without files: for benchmarks, which need the
 * shared iterator's batches of the real shapes but not the download and parse path.
 */
export function syntheticImageSplit(count: number, seed: number | string): ImageSplit {
  return parseCifarRecords([{ name: 'synthetic', bytes: cifarRecords(count, seedrandom(`${seed}/cifar10`)) }]);
}

/** Synthetic reviews after SPEC.md processing (last 150 tokens, padded at the end); see syntheticImageSplit. */
export function syntheticTokenSplit(count: number, seed: number | string): TokenSplit {
  const { reviews: texts, labels } = reviews(count, seedrandom(`${seed}/imdb`));
  return toTokenSplit({ reviews: texts, labels: Uint8Array.from(labels, Number) });
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

/**
 * CIFAR records of a learnable image distribution: class c has a base colour per channel
 * and horizontal or vertical stripes of a class-specific frequency. A per-image brightness
 * shift (+-40) keeps colour alone from giving the class away; pixel noise is uniform +-64.
 */
function cifarRecords(count: number, random: () => number): Uint8Array {
  const records = new Uint8Array(count * CIFAR_RECORD_BYTES);
  for (let i = 0; i < count; i++) {
    const label = Math.floor(random() * 10);
    const at = i * CIFAR_RECORD_BYTES;
    records[at] = label;
    const frequency = 1 + (label % 5);
    const vertical = label >= 5;
    const brightness = (random() * 2 - 1) * 40;
    for (let c = 0; c < 3; c++) {
      const base = 72 + ((label * 7 + c * 3) % 10) * 12 + brightness;
      for (let p = 0; p < CIFAR_IMAGE_BYTES / 3; p++) {
        const along = vertical ? p % 32 : Math.floor(p / 32);
        const stripe = Math.sin((2 * Math.PI * frequency * along) / 32) * 24;
        const noise = (random() * 2 - 1) * 64;
        records[at + 1 + c * 1024 + p] = Math.max(0, Math.min(255, Math.round(base + stripe + noise)));
      }
    }
  }
  return records;
}

/**
 * Reviews in keras-imdb-loaded form: start marker 1, then words. 8 % of the words are
 * "sentiment" words, drawn from tokens 4-53 for label 1 and 54-103 for label 0; the rest
 * are neutral words 104-499 or, for about 30 %, OOV (2), as in the shared subset.
 */
function reviews(count: number, random: () => number): { reviews: number[][]; labels: BigInt64Array } {
  const labels = new BigInt64Array(count);
  const texts: number[][] = [];
  for (let i = 0; i < count; i++) {
    const label = random() < 0.5 ? 0 : 1;
    labels[i] = BigInt(label);
    const length = 20 + Math.floor(random() * 280);
    const text = [IMDB_START];
    for (let t = 1; t < length; t++) {
      const r = random();
      if (r < 0.08) text.push((label === 1 ? 4 : 54) + Math.floor(random() * 50));
      else if (r < 0.38) text.push(IMDB_OOV);
      else text.push(104 + Math.floor(random() * (SYNTHETIC_NUM_WORDS - 104)));
    }
    texts.push(text);
  }
  return { reviews: texts, labels };
}
