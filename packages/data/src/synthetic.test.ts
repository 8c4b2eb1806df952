import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageSplit, TokenSplit } from './dataset.js';
import { loadDataset } from './load.js';
import { readNpz } from './npz.js';
import { syntheticImageSplit, syntheticTokenSplit } from './synthetic.js';
import { SYNTHETIC_CIFAR_FILE, SYNTHETIC_IMDB_FILE, writeSyntheticMirror } from './testing/synthetic-mirror.js';

/**
 * Nearest class centroid: the simplest learner there is. If it beats chance on held-out
 * data, a real model can learn the synthetic data too.
 */
function nearestCentroidAccuracy(train: { x: (i: number) => Float64Array; labels: Uint8Array; count: number },
  test: { x: (i: number) => Float64Array; labels: Uint8Array; count: number }, classes: number): number {
  const dims = train.x(0).length;
  const centroids = Array.from({ length: classes }, () => new Float64Array(dims));
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < train.count; i++) {
    const x = train.x(i);
    const c = train.labels[i]!;
    counts[c]!++;
    for (let d = 0; d < dims; d++) centroids[c]![d]! += x[d]!;
  }
  centroids.forEach((centroid, c) => centroid.forEach((v, d) => (centroid[d] = v / Math.max(1, counts[c]!))));
  let correct = 0;
  for (let i = 0; i < test.count; i++) {
    const x = test.x(i);
    const distances = centroids.map((centroid) => centroid.reduce((s, v, d) => s + (v - x[d]!) ** 2, 0));
    if (distances.indexOf(Math.min(...distances)) === test.labels[i]) correct++;
  }
  return correct / test.count;
}

const imageFeatures = (split: ImageSplit) => ({
  count: split.count, labels: split.labels,
  x: (i: number) => Float64Array.from(split.pixels.subarray(i * 3072, (i + 1) * 3072), (b) => b / 255),
});

/** Bag of words over the 500-token vocabulary, normalised per review. */
const tokenFeatures = (split: TokenSplit) => ({
  count: split.count, labels: split.labels,
  x: (i: number) => {
    const counts = new Float64Array(500);
    const row = split.tokens.subarray(i * 150, (i + 1) * 150);
    let n = 0;
    for (const t of row) if (t > 0) {
      counts[t]!++;
      n++;
    }
    return counts.map((c) => c / n);
  },
});

describe('writeSyntheticMirror', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rosetta-synthetic-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is reproducible from its seed, and differs for another seed', async () => {
    const a = await writeSyntheticMirror(join(dir, 'a'), { seed: 11, cifarTrain: 30, cifarTest: 10, imdbTrain: 20, imdbTest: 10 });
    const b = await writeSyntheticMirror(join(dir, 'b'), { seed: 11, cifarTrain: 30, cifarTest: 10, imdbTrain: 20, imdbTest: 10 });
    const c = await writeSyntheticMirror(join(dir, 'c'), { seed: 12, cifarTrain: 30, cifarTest: 10, imdbTrain: 20, imdbTest: 10 });
    expect(b).toEqual(a);
    expect(c.datasets.cifar10!.sha256).not.toBe(a.datasets.cifar10!.sha256);
    expect(c.datasets.imdb!.sha256).not.toBe(a.datasets.imdb!.sha256);
    expect(JSON.parse(readFileSync(join(dir, 'a', 'manifest.json'), 'utf8'))).toEqual(a);
  });

  it('writes the canonical formats: a tar.gz of .bin batches and a Keras .npz of pickled object arrays', async () => {
    await writeSyntheticMirror(join(dir, 'formats'), { seed: 1, cifarTrain: 30, cifarTest: 10, imdbTrain: 20, imdbTest: 10 });
    const gz = readFileSync(join(dir, 'formats', SYNTHETIC_CIFAR_FILE));
    expect([gz[0], gz[1]]).toEqual([0x1f, 0x8b]);
    const npzPath = join(dir, 'formats', SYNTHETIC_IMDB_FILE);
    const arrays = readNpz(readFileSync(npzPath), npzPath, ['x_train', 'y_train', 'x_test', 'y_test']);
    expect(arrays.x_train.descr).toBe('|O');
    expect(arrays.y_train.descr).toBe('<i8');
    expect((arrays.x_train.data as number[][]).every((review) => review[0] === 1)).toBe(true);
  });

  it('is learnable: nearest class centroids beat chance by far on held-out samples', async () => {
    const mirror = join(dir, 'learn');
    await writeSyntheticMirror(mirror, { seed: 5, cifarTrain: 400, cifarTest: 200, imdbTrain: 400, imdbTest: 200 });
    const cifar = await loadDataset('cifar10', { mirror, progress: false, log: () => {} });
    const imdb = await loadDataset('imdb', { mirror, progress: false, log: () => {} });
    expect(nearestCentroidAccuracy(imageFeatures(cifar.train), imageFeatures(cifar.test), 10)).toBeGreaterThan(0.5); // chance 0.1
    expect(nearestCentroidAccuracy(tokenFeatures(imdb.train), tokenFeatures(imdb.test), 2)).toBeGreaterThan(0.65); // chance 0.5
  });

  it('gives the same training samples in memory (syntheticImageSplit, syntheticTokenSplit) as in the files', async () => {
    const mirror = join(dir, 'memory');
    await writeSyntheticMirror(mirror, { seed: 9, cifarTrain: 30, cifarTest: 10, imdbTrain: 20, imdbTest: 10 });
    const cifar = await loadDataset('cifar10', { mirror, progress: false, log: () => {} });
    const imdb = await loadDataset('imdb', { mirror, progress: false, log: () => {} });
    expect(syntheticImageSplit(30, 9)).toEqual(cifar.train);
    expect(syntheticTokenSplit(20, 9)).toEqual(imdb.train);
  });
});
