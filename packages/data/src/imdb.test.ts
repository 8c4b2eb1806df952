import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ImdbFormatError, readImdbNpz, readImdbReviews } from './imdb.js';
import { kerasImdbOrder } from './numpy-random.js';
import { writeNpz } from './testing/numpy-writer.js';
import { sharedDatasetsDir } from './testing/shared-datasets.js';

const labels = (...values: number[]) => BigInt64Array.from(values.map(BigInt));
const row = (tokens: Int32Array, i: number) => [...tokens.subarray(i * 150, (i + 1) * 150)];

describe('numpy RandomState(113) shuffle, as keras.datasets.imdb.load_data uses it', () => {
  // Reference values printed by numpy 2.4.6: rng = np.random.RandomState(113);
  // a = np.arange(n); rng.shuffle(a); b = np.arange(m); rng.shuffle(b).
  it('matches numpy for small splits', () => {
    const { train, test } = kerasImdbOrder(10, 7);
    expect([...train]).toEqual([9, 3, 6, 1, 0, 7, 4, 8, 2, 5]);
    expect([...test]).toEqual([5, 1, 0, 3, 6, 4, 2]);
  });

  it('matches numpy for the full 25,000 / 25,000 split', () => {
    const { train, test } = kerasImdbOrder(25_000, 25_000);
    expect([...train.subarray(0, 8)]).toEqual([7798, 13226, 18078, 793, 17499, 23003, 574, 19638]);
    expect([...train.subarray(-3)]).toEqual([22690, 4828, 14501]);
    expect([...test.subarray(0, 8)]).toEqual([22748, 4083, 8015, 13688, 5310, 4466, 736, 22654]);
  });
});

describe('keras-imdb-raw processing', () => {
  // Train review i starts with rank 1000 + i so its position after the shuffle is visible.
  const trainRaw = Array.from({ length: 10 }, (_, i) => [1000 + i, 5]);
  trainRaw[9] = [1009, 29_996, 29_997, 40_000, 1]; // ranks +3: 29,999 stays, 30,000 and 40,003 become OOV (2)
  trainRaw[3] = [1003, ...Array.from({ length: 199 }, (_, t) => 1 + (t % 50))]; // 201 tokens with the marker
  const testRaw = Array.from({ length: 7 }, (_, i) => [2000 + i]);
  const file = writeNpz({
    x_train: { descr: '|O', shape: [10], data: trainRaw },
    y_train: { descr: '<i8', shape: [10], data: labels(0, 0, 0, 0, 0, 1, 1, 1, 1, 1) },
    x_test: { descr: '|O', shape: [7], data: testRaw },
    y_test: { descr: '<i8', shape: [7], data: labels(1, 1, 1, 0, 0, 0, 0) },
  });
  const { train, test } = readImdbNpz(file, 'raw.npz', 'keras-imdb-raw');

  it('puts the reviews in load_data order (numpy order 9, 3, 6, 1, 0, ... / 5, 1, 0, ...)', () => {
    // Row 1 is the long review 3, checked by the truncation test below.
    expect([0, 2, 3, 4].map((i) => train.tokens[i * 150 + 1])).toEqual([1012, 1009, 1004, 1003]);
    expect([...train.labels]).toEqual([1, 0, 1, 0, 0, 1, 0, 1, 0, 1]);
    expect([0, 1, 2].map((i) => test.tokens[i * 150 + 1])).toEqual([2008, 2004, 2003]);
    expect([...test.labels]).toEqual([0, 1, 1, 0, 0, 0, 1]);
  });

  it('adds the start marker, offsets ranks by 3, caps the vocabulary at 30,000 and pads at the end', () => {
    expect(row(train.tokens, 0)).toEqual([1, 1012, 29_999, 2, 2, 4, ...new Array(144).fill(0)]);
    expect(row(train.tokens, 3)).toEqual([1, 1004, 8, ...new Array(147).fill(0)]);
  });

  it('keeps the last 150 tokens of a longer review, from position 0', () => {
    const full = [1, 1006, ...Array.from({ length: 199 }, (_, t) => 4 + (t % 50))];
    expect(row(train.tokens, 1)).toEqual(full.slice(-150));
  });

  it('describes the result as SPEC.md token splits', () => {
    expect(train).toMatchObject({ kind: 'tokens', count: 10, sequenceLength: 150, vocabularySize: 30_000, classes: 2 });
    expect(test.count).toBe(7);
  });
});

describe('keras-imdb-loaded files', () => {
  const loaded = (x: number[][], y: BigInt64Array) => writeNpz({
    x_train: { descr: '|O', shape: [x.length], data: x },
    y_train: { descr: '<i8', shape: [y.length], data: y },
    x_test: { descr: '|O', shape: [1], data: [[1, 9]] },
    y_test: { descr: '<i8', shape: [1], data: labels(0) },
  });

  it('are read as they are, in file order', () => {
    const { train } = readImdbNpz(loaded([[1, 14, 22], [1, 2, 499]], labels(1, 0)), 'loaded.npz', 'keras-imdb-loaded');
    expect(row(train.tokens, 0).slice(0, 4)).toEqual([1, 14, 22, 0]);
    expect(row(train.tokens, 1).slice(0, 4)).toEqual([1, 2, 499, 0]);
    expect([...train.labels]).toEqual([1, 0]);
  });

  it('must start every review with the start marker (a raw file is named as the likely mistake)', () => {
    expect(() => readImdbNpz(loaded([[1, 5], [14, 22]], labels(0, 1)), 'raw-really.npz', 'keras-imdb-loaded'))
      .toThrow('raw-really.npz:x_train: review 1 does not start with the start marker 1; is this the raw upstream file');
  });

  it('reject labels other than 0 and 1', () => {
    expect(() => readImdbNpz(loaded([[1], [1]], labels(0, 2)), 'labels.npz', 'keras-imdb-loaded')).toThrow('labels.npz:x_train/y_train: label 1 is 2');
  });

  it('reject reviews that are not int lists', () => {
    const file = writeNpz({
      x_train: { descr: '<i8', shape: [1], data: labels(1) },
      y_train: { descr: '<i8', shape: [1], data: labels(1) },
      x_test: { descr: '|O', shape: [1], data: [[1]] },
      y_test: { descr: '<i8', shape: [1], data: labels(0) },
    });
    expect(() => readImdbNpz(file, 'numeric.npz', 'keras-imdb-loaded')).toThrow(ImdbFormatError);
  });
});

describe('the shared Keras IMDB subset (SPEC.md conventions)', () => {
  const path = join(sharedDatasetsDir(), 'imdb', 'imdb_loaded_num_words_500.npz');
  const bytes = readFileSync(path);

  it('first real train review starts 1, 14, 22, 16, 43 (then OOV words of rank >= 497)', () => {
    const { train, test } = readImdbReviews(bytes, path, 'keras-imdb-loaded');
    expect(train.reviews).toHaveLength(5000);
    expect(train.reviews[0]!.slice(0, 11)).toEqual([1, 14, 22, 16, 43, 2, 2, 2, 2, 65, 458]);
    expect(train.reviews[0]).toHaveLength(218);
    expect(train.labels[0]).toBe(1);
    expect(train.reviews[1]).toHaveLength(189);
    expect(test.reviews[0]).toHaveLength(68);
  });

  it('becomes the last 150 tokens from position 0, zero-padded at the end', () => {
    const { train: reviews, test: testReviews } = readImdbReviews(bytes, path, 'keras-imdb-loaded');
    const { train, test } = readImdbNpz(bytes, path, 'keras-imdb-loaded');
    expect(row(train.tokens, 0)).toEqual(reviews.reviews[0]!.slice(-150));
    expect(row(test.tokens, 0)).toEqual([...testReviews.reviews[0]!, ...new Array(150 - 68).fill(0)]);
    expect(train.count).toBe(5000);
    expect(test.count).toBe(1000);
    expect(train.tokens.reduce((a, b) => Math.max(a, b), 0)).toBe(499);
  });
});
