/**
 * SPEC.md as constants: every implementation reads its hyperparameters from here, so a
 * change to the contract is one edit, and a reader can check each number against SPEC.md.
 * The datasets' part (image size, token markers, sequence length, vocabulary) is here too:
 * the data package processes the files with it and the models are built for it, so this
 * package sits below both and depends on nothing.
 */

export type ModelName = 'cnn' | 'rnn';

export const CNN_SPEC = {
  dataset: 'cifar10',
  imageSize: 32,
  channels: 3,
  classes: 10,
  /** Filters of the two VGG blocks; each block is conv-relu-conv-relu-maxpool-dropout. */
  blockFilters: [50, 100] as const,
  kernelSize: 3,
  poolSize: 2,
  convDropout: 0.25,
  denseUnits: 512,
  denseDropout: 0.5,
  /** 100 channels x 8 x 8 after two 2x2 pools. */
  flattenSize: 6400,
  parameters: 3_441_592,
  optimizer: { kind: 'sgd-momentum', learningRate: 0.01, momentum: 0.9 } as const,
  epochs: 10,
  batchSize: 64,
} as const;

export const RNN_SPEC = {
  dataset: 'imdb',
  /** Every token id is below this; a larger one becomes `outOfVocabulary`. */
  vocabularySize: 30_000,
  /** The last 150 tokens of a review, written from position 0 and padded with 0 at the end. */
  sequenceLength: 150,
  /** Keras's markers: every review starts with 1, an unknown word is 2, word rank r is r + 3. */
  startToken: 1,
  outOfVocabulary: 2,
  indexFrom: 3,
  embeddingSize: 125,
  units: 100,
  classes: 2,
  /** Embedding rows are drawn from uniform(-limit, limit). */
  embeddingInitLimit: 0.05,
  optimizer: { kind: 'adam', learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } as const,
  epochs: 3,
  batchSize: 64,
} as const;

export const MODEL_SPECS = { cnn: CNN_SPEC, rnn: RNN_SPEC } as const;
