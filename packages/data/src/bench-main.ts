/**
 * `nx run @rosetta/data:bench`: how long the data layer takes on this machine, outside any
 * training timer (parse) and inside it (batch assembly). Uses $ROSETTA_DATASET_MIRROR or the
 * cache, downloading what is missing. Prints medians; there are no pass/fail thresholds.
 */
import { readFile } from 'node:fs/promises';
import { readCifarTarGz } from './cifar.js';
import { Digests, hashedChunks } from './checksum.js';
import { readImdbNpz } from './imdb.js';
import { batches } from './iterator.js';
import { fetchDataset, loadDataset } from './load.js';

async function median(runs: number, task: () => Promise<unknown> | unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await task();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

const cifarFile = await fetchDataset('cifar10');
const imdbFile = await fetchDataset('imdb');
const ms = (value: number) => `${value.toFixed(0)} ms`;

// Fresh parses (not the in-memory cache), hashing in the same pass as loadDataset does.
const cifarParse = await median(3, () => readCifarTarGz(hashedChunks(cifarFile.path, new Digests()), cifarFile.path));
const imdbParse = await median(5, async () => readImdbNpz(await readFile(imdbFile.path), imdbFile.path, imdbFile.format as 'keras-imdb-raw' | 'keras-imdb-loaded'));
console.log(`parse + sha256  cifar10 ${cifarFile.path}: ${ms(cifarParse)}`);
console.log(`parse + sha256  imdb    ${imdbFile.path}: ${ms(imdbParse)}`);

const cifar = await loadDataset('cifar10');
const imdb = await loadDataset('imdb');
const epoch = (iterable: Iterable<unknown>) => () => {
  for (const _batch of iterable);
};
const options = { batchSize: 64, seed: 1, epoch: 0, shuffle: true } as const;
const nchw = await median(3, () => epoch(batches(cifar.train, { ...options, layout: 'NCHW' }))());
const nhwc = await median(3, () => epoch(batches(cifar.train, { ...options, layout: 'NHWC' }))());
const tokens = await median(3, () => epoch(batches(imdb.train, options))());
const steps = (count: number) => Math.floor(count / 64);
console.log(`one epoch, batch 64  cifar10 NCHW: ${ms(nchw)} (${(nchw / steps(cifar.train.count)).toFixed(3)} ms/batch)`);
console.log(`one epoch, batch 64  cifar10 NHWC: ${ms(nhwc)} (${(nhwc / steps(cifar.train.count)).toFixed(3)} ms/batch), NHWC/NCHW ${(nhwc / nchw).toFixed(2)}`);
console.log(`one epoch, batch 64  imdb tokens:  ${ms(tokens)} (${(tokens / steps(imdb.train.count)).toFixed(3)} ms/batch)`);
