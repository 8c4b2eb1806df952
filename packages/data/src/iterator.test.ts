import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import type { ImageBatch, TokenBatch } from './batch.js';
import type { ImageSplit, TokenSplit } from './dataset.js';
import { batchCount, batches, epochOrder, type BatchOptions } from './iterator.js';

function imageSplit(count: number): ImageSplit {
  const random = seedrandom('pixels');
  return {
    kind: 'image', count, channels: 3, height: 32, width: 32, classes: 10,
    pixels: Uint8Array.from({ length: count * 3072 }, () => Math.floor(random() * 256)),
    labels: Uint8Array.from({ length: count }, (_, i) => (i * 7) % 10),
  };
}

/** Row i holds sample id i in its first token, so batches reveal which samples they contain. */
function tokenSplit(count: number): TokenSplit {
  const tokens = new Int32Array(count * 150);
  for (let i = 0; i < count; i++) tokens.fill(i + 1, i * 150, i * 150 + 10);
  return { kind: 'tokens', count, sequenceLength: 150, vocabularySize: 30_000, classes: 2, tokens, labels: Uint8Array.from({ length: count }, (_, i) => i % 2) };
}

/** Maps each batch while it is current: the iterator refills one buffer, so batches must be read in turn. */
function each<B, T>(iterable: Iterable<B>, read: (batch: B) => T): T[] {
  const out: T[] = [];
  for (const batch of iterable) out.push(read(batch));
  return out;
}
const snapshot = (iterable: Iterable<ImageBatch | TokenBatch>) =>
  each(iterable, (b) => ({ index: b.index, x: Array.from(b.x), y: Array.from(b.y) }));
const sampleIds = (iterable: Iterable<TokenBatch>) => each(iterable, (b) => Array.from({ length: b.size }, (_, i) => b.x[i * 150]! - 1)).flat();

const base: BatchOptions = { batchSize: 4, seed: 42, epoch: 0, shuffle: true };

describe('batches', () => {
  const images = imageSplit(18);
  const tokens = tokenSplit(37);

  it('gives identical batches for one seed, and different ones for another seed or epoch', () => {
    const a = snapshot(batches(images, base));
    expect(snapshot(batches(images, base))).toEqual(a);
    expect(snapshot(batches(images, { ...base, seed: 43 }))).not.toEqual(a);
    expect(snapshot(batches(images, { ...base, epoch: 1 }))).not.toEqual(a);
  });

  it('reproduces an epoch on its own, without the epochs before it', () => {
    const fresh = sampleIds(batches(tokens, { ...base, epoch: 5 }));
    for (let epoch = 0; epoch < 5; epoch++) [...batches(tokens, { ...base, epoch })];
    expect(sampleIds(batches(tokens, { ...base, epoch: 5 }))).toEqual(fresh);
  });

  it('shuffles at the observation level: each epoch draws distinct samples from the first `limit`', () => {
    const ids = sampleIds(batches(tokens, { ...base, limit: 30 }));
    expect(ids).toHaveLength(28); // 7 full batches of 4; the last 2 samples of the shuffled 30 are dropped
    expect(new Set(ids).size).toBe(28);
    expect(ids.every((id) => id < 30)).toBe(true);
    expect(ids).not.toEqual([...ids].sort((p, q) => p - q));
  });

  it('keeps file order without shuffle', () => {
    expect(sampleIds(batches(tokens, { ...base, shuffle: false }))).toEqual(Array.from({ length: 36 }, (_, i) => i));
  });

  it('yields only full batches, as many as batchCount says', () => {
    const all = [...batches(images, { ...base, batchSize: 5 })];
    expect(all.map((b) => b.size)).toEqual([5, 5, 5]);
    expect(all.map((b) => b.index)).toEqual([0, 1, 2]);
    expect(batchCount(images, { batchSize: 5 })).toBe(3);
    expect(batchCount(tokens, { batchSize: 4, limit: 30 })).toBe(7);
    expect(batchCount(tokens, { batchSize: 4, limit: 1000 })).toBe(9);
    expect([...batches(images, { ...base, batchSize: 19 })]).toEqual([]);
  });

  it('holds the same pixels in NCHW and NHWC, each byte / 255 as float32', () => {
    const nchw = each(batches(images, { ...base, layout: 'NCHW' }), (b) => ({ ...b, x: b.x.slice(), y: b.y.slice() }));
    const nhwc = each(batches(images, { ...base, layout: 'NHWC' }), (b) => ({ ...b, x: b.x.slice(), y: b.y.slice() }));
    expect(nchw[0]!.shape).toEqual([4, 3, 32, 32]);
    expect(nhwc[0]!.shape).toEqual([4, 32, 32, 3]);
    const order = epochOrder(18, 42, 0, true);
    nchw.forEach((batch, k) => {
      const expectedNchw = new Float32Array(4 * 3072);
      const expectedNhwc = new Float32Array(4 * 3072);
      for (let b = 0; b < 4; b++) {
        const sample = order[k * 4 + b]!;
        for (let c = 0; c < 3; c++) {
          for (let p = 0; p < 1024; p++) {
            const value = images.pixels[sample * 3072 + c * 1024 + p]! / 255;
            expectedNchw[b * 3072 + c * 1024 + p] = value;
            expectedNhwc[b * 3072 + p * 3 + c] = value;
          }
        }
      }
      expect(batch.x).toEqual(expectedNchw);
      expect(nhwc[k]!.x).toEqual(expectedNhwc);
      expect(batch.y).toEqual(nhwc[k]!.y);
      expect(Array.from(batch.y)).toEqual(Array.from(order.subarray(k * 4, k * 4 + 4), (i) => images.labels[i]));
    });
  });

  it('gives one-hot rows consistent with the sparse labels', () => {
    for (const batch of batches(images, { ...base, labels: 'onehot' })) {
      expect(batch.yOneHot).toHaveLength(40);
      for (let b = 0; b < batch.size; b++) {
        const row = Array.from(batch.yOneHot!.subarray(b * 10, b * 10 + 10));
        expect(row.indexOf(1)).toBe(batch.y[b]);
        expect(row.reduce((s, v) => s + v, 0)).toBe(1);
      }
    }
    expect([...batches(images, base)][0]!.yOneHot).toBeUndefined();
  });

  it('refills one set of buffers instead of allocating per batch', () => {
    const seen = [...batches(tokens, base)];
    expect(new Set(seen.map((b) => b.x)).size).toBe(1);
    expect(new Set(seen.map((b) => b.y)).size).toBe(1);
  });

  it('rejects bad options', () => {
    expect(() => batches(images, { ...base, batchSize: 0 })).toThrow('batchSize must be a positive integer');
    expect(() => batches(images, { ...base, limit: -1 })).toThrow('limit must be a non-negative integer');
    expect(() => batches(images, { ...base, epoch: 1.5 })).toThrow('epoch must be a non-negative integer');
  });
});
