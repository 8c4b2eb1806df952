/**
 * One batch of uniform random data shaped like the shared iterator's, for tests that need
 * a batch of the real shapes without a dataset (a step's numbers, not its time: benches go
 * through the iterator, bench.ts).
 */
import type { Batch } from '@rosetta/data';
import seedrandom from 'seedrandom';
import type { InputFormat } from '../framework.js';
import { CNN_SPEC, RNN_SPEC, type ModelName } from '../spec.js';

export function randomBatch(model: ModelName, input: InputFormat, batchSize: number, seed: string, index = 0): Batch {
  const random = seedrandom.alea(seed);
  const classes = model === 'cnn' ? CNN_SPEC.classes : RNN_SPEC.classes;
  const y = Int32Array.from({ length: batchSize }, () => Math.floor(random() * classes));
  const yOneHot = input.labels === 'onehot' ? new Float32Array(batchSize * classes) : undefined;
  y.forEach((label, i) => yOneHot?.fill(1, i * classes + label, i * classes + label + 1));
  const labels = { y, ...(yOneHot && { yOneHot }) };
  if (model === 'rnn') {
    const x = Int32Array.from({ length: batchSize * RNN_SPEC.sequenceLength }, () =>
      Math.floor(random() * RNN_SPEC.vocabularySize),
    );
    return { kind: 'tokens', index, size: batchSize, shape: [batchSize, RNN_SPEC.sequenceLength], x, ...labels };
  }
  const { channels, imageSize: size } = CNN_SPEC;
  const x = Float32Array.from({ length: batchSize * channels * size * size }, () => random());
  const shape: [number, number, number, number] =
    input.layout === 'NCHW' ? [batchSize, channels, size, size] : [batchSize, size, size, channels];
  return { kind: 'image', index, size: batchSize, layout: input.layout, shape, x, ...labels };
}
