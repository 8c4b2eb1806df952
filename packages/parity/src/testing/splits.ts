/** Small training splits for parity tests. Not part of the package build (tsconfig excludes src/testing). */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDataset, type ImageSplit, type TokenSplit } from '@rosetta/data';
import { writeSyntheticMirror } from '@rosetta/data/testing';
import seedrandom from 'seedrandom';

/**
 * The data package's learnable synthetic reviews: their gradients are large enough for
 * Adam to saturate (tolerance.ts AdamRegime), unlike uniformly random tokens at these batches.
 */
export async function reviews(count: number): Promise<TokenSplit> {
  const dir = await mkdtemp(join(tmpdir(), 'rosetta-parity-'));
  await writeSyntheticMirror(dir, { seed: 3, imdbTrain: count, imdbTest: 16, cifarTrain: 16, cifarTest: 16 });
  return (await loadDataset('imdb', { mirror: dir })).train;
}

/** Noise images: no flat regions, so max-pool windows have no ties (see the README's parity section). */
export function noiseImages(count: number, seed: string): ImageSplit {
  const random = seedrandom(seed);
  const pixels = Uint8Array.from({ length: count * 3072 }, () => Math.floor(random() * 256));
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
  return { kind: 'image', count, channels: 3, height: 32, width: 32, classes: 10, pixels, labels };
}
