/**
 * SPEC.md as constants: every implementation reads its hyperparameters from here, so a
 * change to the contract is one edit, and a reader can check each number against SPEC.md.
 * The numbers live in ../spec.json, which the PyTorch reference (reference/pytorch) reads
 * too; this module gives them their types and meanings.
 * The datasets' part (image size, token markers, sequence length, vocabulary) is here too:
 * the data package processes the files with it and the models are built for it, so this
 * package sits below both and depends on nothing.
 */
import { readFileSync } from 'node:fs';

export type ModelName = 'cnn' | 'rnn';

export interface CnnSpec {
  readonly dataset: 'cifar10';
  readonly imageSize: number;
  readonly channels: number;
  readonly classes: number;
  /** Filters of the two VGG blocks; each block is conv-relu-conv-relu-maxpool-dropout. */
  readonly blockFilters: readonly [number, number];
  readonly kernelSize: number;
  readonly poolSize: number;
  readonly convDropout: number;
  readonly denseUnits: number;
  readonly denseDropout: number;
  /** Channels x height x width after the two pools. */
  readonly flattenSize: number;
  readonly parameters: number;
  readonly optimizer: { readonly kind: 'sgd-momentum'; readonly learningRate: number; readonly momentum: number };
  readonly epochs: number;
  readonly batchSize: number;
}

export interface RnnSpec {
  readonly dataset: 'imdb';
  /** Every token id is below this; a larger one becomes `outOfVocabulary`. */
  readonly vocabularySize: number;
  /** The last `sequenceLength` tokens of a review, written from position 0 and padded with 0 at the end. */
  readonly sequenceLength: number;
  /** Keras's markers: every review starts with `startToken`, an unknown word is `outOfVocabulary`, word rank r is r + `indexFrom`. */
  readonly startToken: number;
  readonly outOfVocabulary: number;
  readonly indexFrom: number;
  readonly embeddingSize: number;
  readonly units: number;
  readonly classes: number;
  /** Embedding rows are drawn from uniform(-limit, limit). */
  readonly embeddingInitLimit: number;
  readonly optimizer: {
    readonly kind: 'adam';
    readonly learningRate: number;
    readonly beta1: number;
    readonly beta2: number;
    readonly epsilon: number;
  };
  readonly epochs: number;
  readonly batchSize: number;
}

/** The file every language reads the contract's numbers from. */
export const SPEC_FILE = new URL('../spec.json', import.meta.url);

function readSpec(): { readonly cnn: CnnSpec; readonly rnn: RnnSpec } {
  const text = readFileSync(SPEC_FILE, 'utf8');
  let spec: { cnn?: CnnSpec; rnn?: RnnSpec };
  try {
    spec = JSON.parse(text) as typeof spec;
  } catch (error) {
    throw new Error(`${SPEC_FILE.pathname}: not valid JSON (${(error as Error).message})`);
  }
  if (spec.cnn?.dataset !== 'cifar10' || spec.rnn?.dataset !== 'imdb') {
    throw new Error(`${SPEC_FILE.pathname}: expected the models "cnn" (dataset cifar10) and "rnn" (dataset imdb)`);
  }
  return { cnn: spec.cnn, rnn: spec.rnn };
}

export const MODEL_SPECS = readSpec();
export const CNN_SPEC: CnnSpec = MODEL_SPECS.cnn;
export const RNN_SPEC: RnnSpec = MODEL_SPECS.rnn;
