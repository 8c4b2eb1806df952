/**
 * The one batch iterator every framework trains on.
 *
 * Guarantees (SPEC.md "Data order, batching and evaluation"):
 *   - Order: with `shuffle`, a Fisher-Yates shuffle of the first `limit` sample indices,
 *     drawn from seedrandom seeded with `${seed}/${epoch}`. Each epoch is therefore
 *     reproducible on its own, and the same seed gives the same batches in every framework.
 *     Without `shuffle` (test evaluation) samples come in file order.
 *   - Only full batches: the remainder of `limit` modulo `batchSize` is dropped.
 *   - Images: float32 = byte / 255. NCHW copies the record's planes as they are; NHWC
 *     interleaves the same bytes, so both layouts hold identical values.
 *   - One set of buffers per iterator, refilled in place for each batch: a consumer must
 *     be done with a batch before it asks for the next.
 */
import seedrandom from 'seedrandom';
import type { Batch, ImageBatch, ImageLayout, LabelFormat, TokenBatch } from './batch.js';
import type { ImageSplit, Split, TokenSplit } from './dataset.js';

export interface BatchOptions {
  readonly batchSize: number;
  /** Seed of the run; combined with the epoch for each epoch's shuffle. */
  readonly seed: number | string;
  /** 0-based epoch index. */
  readonly epoch: number;
  /** Shuffle the samples (training); false keeps file order (evaluation). */
  readonly shuffle: boolean;
  /** Image layout; ignored for token splits. Default NCHW. */
  readonly layout?: ImageLayout;
  /** Sparse labels only, or also one-hot rows in `yOneHot`. Default sparse. */
  readonly labels?: LabelFormat;
  /** Use only the first `limit` samples of the split. Default: all. */
  readonly limit?: number;
}

/** Number of full batches `batches()` yields for these options. */
export function batchCount(split: Split, options: { readonly batchSize: number; readonly limit?: number }): number {
  return Math.floor(usableCount(split, options) / checkedBatchSize(options.batchSize));
}

/** Sample indices of one epoch: the first `count` indices, shuffled when asked. */
export function epochOrder(count: number, seed: number | string, epoch: number, shuffle: boolean): Int32Array {
  if (!Number.isInteger(epoch) || epoch < 0) throw new RangeError(`epoch must be a non-negative integer, got ${epoch}`);
  const order = Int32Array.from({ length: count }, (_, i) => i);
  if (!shuffle) return order;
  const random = seedrandom(`${seed}/${epoch}`);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}

export function batches(split: ImageSplit, options: BatchOptions): IterableIterator<ImageBatch>;
export function batches(split: TokenSplit, options: BatchOptions): IterableIterator<TokenBatch>;
export function batches(split: Split, options: BatchOptions): IterableIterator<Batch>;
export function batches(split: Split, options: BatchOptions): IterableIterator<Batch> {
  const batchSize = checkedBatchSize(options.batchSize);
  const order = epochOrder(usableCount(split, options), options.seed, options.epoch, options.shuffle);
  const count = Math.floor(order.length / batchSize);
  const oneHot = options.labels === 'onehot' ? new Float32Array(batchSize * split.classes) : undefined;
  return split.kind === 'image'
    ? imageBatches(split, order, count, batchSize, options.layout ?? 'NCHW', oneHot)
    : tokenBatches(split, order, count, batchSize, oneHot);
}

/** byte / 255 for every byte value, computed once so every layout uses the same float32s. */
const PIXEL_VALUE = Float32Array.from({ length: 256 }, (_, b) => b / 255);

function* imageBatches(
  split: ImageSplit, order: Int32Array, count: number, size: number, layout: ImageLayout, oneHot: Float32Array | undefined,
): IterableIterator<ImageBatch> {
  const { pixels, labels, channels } = split;
  const plane = split.height * split.width;
  const image = channels * plane;
  const x = new Float32Array(size * image);
  const y = new Int32Array(size);
  const shape = layout === 'NCHW'
    ? [size, channels, split.height, split.width] as const
    : [size, split.height, split.width, channels] as const;
  for (let index = 0; index < count; index++) {
    for (let b = 0; b < size; b++) {
      const sample = order[index * size + b]!;
      const src = sample * image;
      const dst = b * image;
      if (layout === 'NCHW') {
        for (let i = 0; i < image; i++) x[dst + i] = PIXEL_VALUE[pixels[src + i]!]!;
      } else {
        for (let c = 0; c < channels; c++) {
          for (let p = 0; p < plane; p++) x[dst + p * channels + c] = PIXEL_VALUE[pixels[src + c * plane + p]!]!;
        }
      }
      y[b] = labels[sample]!;
    }
    fillOneHot(oneHot, y, split.classes);
    yield { kind: 'image', index, size, layout, shape, x, y, ...(oneHot && { yOneHot: oneHot }) };
  }
}

function* tokenBatches(
  split: TokenSplit, order: Int32Array, count: number, size: number, oneHot: Float32Array | undefined,
): IterableIterator<TokenBatch> {
  const length = split.sequenceLength;
  const x = new Int32Array(size * length);
  const y = new Int32Array(size);
  const shape = [size, length] as const;
  for (let index = 0; index < count; index++) {
    for (let b = 0; b < size; b++) {
      const sample = order[index * size + b]!;
      x.set(split.tokens.subarray(sample * length, (sample + 1) * length), b * length);
      y[b] = split.labels[sample]!;
    }
    fillOneHot(oneHot, y, split.classes);
    yield { kind: 'tokens', index, size, shape, x, y, ...(oneHot && { yOneHot: oneHot }) };
  }
}

function fillOneHot(oneHot: Float32Array | undefined, y: Int32Array, classes: number): void {
  if (oneHot === undefined) return;
  oneHot.fill(0);
  for (let b = 0; b < y.length; b++) oneHot[b * classes + y[b]!] = 1;
}

function checkedBatchSize(batchSize: number): number {
  if (!Number.isInteger(batchSize) || batchSize <= 0) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  return batchSize;
}

function usableCount(split: Split, options: { readonly limit?: number }): number {
  const { limit } = options;
  if (limit === undefined) return split.count;
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`limit must be a non-negative integer, got ${limit}`);
  return Math.min(limit, split.count);
}
