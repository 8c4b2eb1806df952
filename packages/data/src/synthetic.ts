/**
 * Seeded synthetic data of the real shapes, learnable:
 *   - images: each class has its own base colour and stripe pattern, under uniform noise;
 *   - reviews: each class draws its "sentiment" words from its own token range, mixed
 *     with shared neutral words and OOV markers, like the shared Keras subset (vocabulary 500).
 * As in-memory splits for benchmarks (here); written as files in the canonical formats,
 * with a manifest, for tests (testing/synthetic-mirror.ts).
 */
import seedrandom from 'seedrandom';
import { RNN_SPEC } from '@rosetta/spec';
import { CIFAR_IMAGE_BYTES, CIFAR_RECORD_BYTES, parseCifarRecords } from './cifar.js';
import type { ImageSplit, TokenSplit } from './dataset.js';
import { toTokenSplit } from './imdb.js';

/** Vocabulary of the synthetic reviews, as in the shared subset (num_words = 500). */
export const SYNTHETIC_NUM_WORDS = 500;

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

/**
 * CIFAR records of a learnable image distribution: class c has a base colour per channel
 * and horizontal or vertical stripes of a class-specific frequency. A per-image brightness
 * shift (+-40) keeps colour alone from giving the class away; pixel noise is uniform +-64.
 */
export function cifarRecords(count: number, random: () => number): Uint8Array {
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
export function reviews(count: number, random: () => number): { reviews: number[][]; labels: BigInt64Array } {
  const labels = new BigInt64Array(count);
  const texts: number[][] = [];
  for (let i = 0; i < count; i++) {
    const label = random() < 0.5 ? 0 : 1;
    labels[i] = BigInt(label);
    const length = 20 + Math.floor(random() * 280);
    const text: number[] = [RNN_SPEC.startToken];
    for (let t = 1; t < length; t++) {
      const r = random();
      if (r < 0.08) text.push((label === 1 ? 4 : 54) + Math.floor(random() * 50));
      else if (r < 0.38) text.push(RNN_SPEC.outOfVocabulary);
      else text.push(104 + Math.floor(random() * (SYNTHETIC_NUM_WORDS - 104)));
    }
    texts.push(text);
  }
  return { reviews: texts, labels };
}
