/**
 * What the shared iterator hands to every framework. One batch buffer is allocated per
 * iterator and refilled in place for every batch, so a consumer must finish with a batch
 * (copy it to its device, or run the step) before asking for the next one.
 */

/** Image layout of a CNN batch: ONNX Conv is NCHW, TF.js conv layers are NHWC. */
export type ImageLayout = 'NCHW' | 'NHWC';

/** Labels as class indices (sparse) or as one-hot float rows. */
export type LabelFormat = 'sparse' | 'onehot';

export interface ImageBatch {
  readonly kind: 'image';
  /** Position of this batch in its epoch (0-based). */
  readonly index: number;
  /** Number of samples, always the full batch size (remainders are dropped). */
  readonly size: number;
  readonly layout: ImageLayout;
  /** [size, 3, 32, 32] for NCHW or [size, 32, 32, 3] for NHWC. */
  readonly shape: readonly [number, number, number, number];
  /** Pixels divided by 255, float32. */
  readonly x: Float32Array;
  /** Sparse labels, [size]. */
  readonly y: Int32Array;
  /** One-hot labels, [size, classes]; present only when the iterator was asked for them. */
  readonly yOneHot?: Float32Array;
}

export interface TokenBatch {
  readonly kind: 'tokens';
  readonly index: number;
  readonly size: number;
  /** [size, sequenceLength]. */
  readonly shape: readonly [number, number];
  /** Token ids, int32, padded with 0 at the end (SPEC.md). */
  readonly x: Int32Array;
  readonly y: Int32Array;
  readonly yOneHot?: Float32Array;
}

export type Batch = ImageBatch | TokenBatch;
