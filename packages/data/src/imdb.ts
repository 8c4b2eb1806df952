/**
 * Keras IMDB reviews to SPEC.md token batches.
 *
 * Two file formats hold the same data:
 *   - `keras-imdb-raw`: the official imdb.npz. Raw word ranks (1 = most frequent), no start
 *     marker, in the original (label-sorted) order. We apply what `keras.datasets.imdb.load_data`
 *     does with its defaults: the seed-113 numpy shuffle of each split (reproduced exactly, so
 *     the order matches Keras and the shared subset), start marker 1, rank + 3, and any index
 *     >= 30,000 replaced by the OOV marker 2 (num_words = 30,000).
 *   - `keras-imdb-loaded`: reviews already processed by load_data (the shared subset). Read
 *     as they are: they already start with 1 and are in load_data order. The 30,000 cap is
 *     applied too, which is a no-op for any file processed with num_words <= 30,000.
 * Then every review keeps its LAST 150 tokens, written from position 0 and padded with 0 at
 * the end (SPEC.md; this is what the original comparison did, unlike Keras's pre-padding).
 */
import { RNN_SPEC } from '@rosetta/spec';
import type { TokenSplit } from './dataset.js';
import type { NpyArray } from './npy.js';
import { kerasImdbOrder } from './numpy-random.js';
import type { PickleValue } from './pickle.js';
import { readNpz } from './npz.js';

const { sequenceLength, vocabularySize, startToken, outOfVocabulary, indexFrom } = RNN_SPEC;
/** The `seed` default of keras.datasets.imdb.load_data. */
export const KERAS_IMDB_SEED = 113;

export type ImdbFormat = 'keras-imdb-raw' | 'keras-imdb-loaded';

export class ImdbFormatError extends Error {
  override readonly name = 'ImdbFormatError';
}

/** One split as read from the file: token lists and labels, before SPEC.md processing. */
export interface ImdbReviews {
  readonly reviews: readonly (readonly number[])[];
  readonly labels: Uint8Array;
}

/** Reads x_train/y_train/x_test/y_test of a Keras IMDB `.npz` and applies SPEC.md processing. */
export function readImdbNpz(bytes: Uint8Array, file: string, format: ImdbFormat): { train: TokenSplit; test: TokenSplit } {
  const { train, test } = readImdbReviews(bytes, file, format);
  return { train: toTokenSplit(train), test: toTokenSplit(test) };
}

/** The reviews in load_data order and token convention, before the 30,000 cap and truncation. */
export function readImdbReviews(bytes: Uint8Array, file: string, format: ImdbFormat): { train: ImdbReviews; test: ImdbReviews } {
  const a = readNpz(bytes, file, ['x_train', 'y_train', 'x_test', 'y_test']);
  const train = reviewsOf(a.x_train, a.y_train, `${file}:x_train/y_train`);
  const test = reviewsOf(a.x_test, a.y_test, `${file}:x_test/y_test`);
  if (format === 'keras-imdb-raw') {
    const order = kerasImdbOrder(train.labels.length, test.labels.length, KERAS_IMDB_SEED);
    return { train: markRawReviews(reorder(train, order.train)), test: markRawReviews(reorder(test, order.test)) };
  }
  checkLoaded(train, `${file}:x_train`);
  checkLoaded(test, `${file}:x_test`);
  return { train, test };
}

function reviewsOf(x: NpyArray, y: NpyArray, name: string): ImdbReviews {
  if (x.descr !== '|O' || x.shape.length !== 1) throw new ImdbFormatError(`${name}: reviews must be a 1-d object array, got '${x.descr}' of shape (${x.shape.join(', ')})`);
  if (y.shape.length !== 1 || y.shape[0] !== x.shape[0]) {
    throw new ImdbFormatError(`${name}: ${x.shape[0]} reviews but labels of shape (${y.shape.join(', ')})`);
  }
  const reviews = (x.data as readonly PickleValue[]).map((review, i) => {
    if (!Array.isArray(review) || !review.every((t) => typeof t === 'number' && Number.isInteger(t) && t >= 0)) {
      throw new ImdbFormatError(`${name}: review ${i} is not a list of non-negative integers`);
    }
    return review as number[];
  });
  if (Array.isArray(y.data)) throw new ImdbFormatError(`${name}: labels must be numeric, got '${y.descr}'`);
  const labels = new Uint8Array(reviews.length);
  const raw = y.data as ArrayLike<number | bigint>;
  for (let i = 0; i < labels.length; i++) {
    const label = Number(raw[i]);
    if (label !== 0 && label !== 1) throw new ImdbFormatError(`${name}: label ${i} is ${label}, not 0 or 1`);
    labels[i] = label;
  }
  return { reviews, labels };
}

function reorder(split: ImdbReviews, order: Int32Array): ImdbReviews {
  return {
    reviews: Array.from(order, (i) => split.reviews[i]!),
    labels: Uint8Array.from(order, (i) => split.labels[i]!),
  };
}

/** load_data's marking of raw ranks: [start] + [rank + index_from ...]. */
function markRawReviews(split: ImdbReviews): ImdbReviews {
  return { ...split, reviews: split.reviews.map((r) => [startToken, ...r.map((rank) => rank + indexFrom)]) };
}

/** A loaded-format file already starts every review with the marker; a raw one does not. */
function checkLoaded(split: ImdbReviews, name: string): void {
  const bad = split.reviews.findIndex((r) => r[0] !== startToken);
  if (bad >= 0) {
    throw new ImdbFormatError(`${name}: review ${bad} does not start with the start marker ${startToken}; ` +
      `is this the raw upstream file (format keras-imdb-raw)?`);
  }
}

/** Caps the vocabulary, keeps the last 150 tokens from position 0, pads with 0 at the end. */
export function toTokenSplit({ reviews, labels }: ImdbReviews): TokenSplit {
  const tokens = new Int32Array(reviews.length * sequenceLength);
  reviews.forEach((review, i) => {
    const kept = review.slice(-sequenceLength);
    const row = i * sequenceLength;
    for (let t = 0; t < kept.length; t++) {
      const token = kept[t]!;
      tokens[row + t] = token < vocabularySize ? token : outOfVocabulary;
    }
  });
  return {
    kind: 'tokens',
    count: reviews.length,
    sequenceLength,
    vocabularySize,
    classes: RNN_SPEC.classes,
    tokens,
    labels,
  };
}
