/** In-memory datasets as the parsers produce them and the iterator reads them. */
import type { CNN_SPEC, RNN_SPEC } from '@rosetta/spec';

export type DatasetName = 'cifar10' | 'imdb';

/** CIFAR-10 images exactly as stored in the binary records: per image R, G, B planes of 32x32 bytes. */
export interface ImageSplit {
  readonly kind: 'image';
  readonly count: number;
  readonly channels: typeof CNN_SPEC.channels;
  readonly height: typeof CNN_SPEC.imageSize;
  readonly width: typeof CNN_SPEC.imageSize;
  readonly classes: typeof CNN_SPEC.classes;
  /** count * 3072 bytes, channel-major per image (the record layout). */
  readonly pixels: Uint8Array;
  /** count labels, 0..9. */
  readonly labels: Uint8Array;
}

/** IMDB reviews after SPEC.md processing: last 150 tokens kept, padded with 0 at the end. */
export interface TokenSplit {
  readonly kind: 'tokens';
  readonly count: number;
  readonly sequenceLength: typeof RNN_SPEC.sequenceLength;
  /** Embedding rows: every token id is below this (SPEC.md: 30,000). */
  readonly vocabularySize: number;
  readonly classes: typeof RNN_SPEC.classes;
  /** count * 150 token ids. */
  readonly tokens: Int32Array;
  /** count labels, 0 or 1. */
  readonly labels: Uint8Array;
}

export type Split = ImageSplit | TokenSplit;

/** Where a dataset came from, recorded in every results file. */
export interface DatasetSource {
  readonly name: DatasetName;
  /** Canonical URL or mirror location the file was obtained from. */
  readonly source: string;
  /** SHA-256 of the downloaded file. */
  readonly sha256: string;
  /** File format as named in manifest.json (e.g. "cifar10-binary-tar-gz", "keras-imdb-loaded"). */
  readonly format: string;
  /** True when the file is a subset of the upstream dataset (the offline mirror). */
  readonly subset: boolean;
  /** True for generated data (writeSyntheticMirror), absent for real data. */
  readonly synthetic?: boolean;
}

export interface Dataset<S extends Split = Split> {
  readonly info: DatasetSource;
  readonly train: S;
  readonly test: S;
}
