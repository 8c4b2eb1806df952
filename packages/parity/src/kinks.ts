/**
 * ReLU kinks: the one place where float32 rounding changes a gradient by a whole term.
 *
 * A unit whose pre-activation z lies within rounding of 0 can be active (z = +3.7e-8) in
 * one backend and inactive (z = 0) in another: measured on the CNN, CIFAR-10 training image
 * 9740 of the shared subset, conv4 unit 11782 (tfjs-cpu active, tfjs-wasm not). The forward
 * pass barely notices (ReLU is continuous), but the backward pass passes that unit's whole
 * gradient in one backend and nothing in the other: every gradient below it loses or gains
 * one term. This is rounding, not a different model, so the tolerance must allow it.
 *
 * How many: two backends' pre-activations differ by about sqrt(2 n) u s (the chain model
 * of tolerance.ts, s the scale of the terms). At initialisation (Glorot kernels, zero
 * biases) pre-activations are spread around 0 with that scale s (about half the units are
 * active), density about 1 / (sqrt(2 pi) s) at 0; z falls between the two backends' values
 * with probability E|difference| x density = sqrt(2 n) u / pi. A layer of N ReLU units
 * therefore expects k = N sqrt(2 n) u / pi flips per step (about 1.9 in conv2 at batch 64).
 *
 * How much: a flip changes one term of the gradient sums of its layer's parameters and of
 * every layer below it (backpropagation carries it down). A parameter whose gradient sums
 * M positions (batch x height x width for a conv, batch for a dense layer) for each of C
 * output channels has about C M terms of random sign, so its gradient norm is about
 * sqrt(C M) terms and one changed term moves it by 1 / sqrt(C M) relative. With K the
 * expected flips at or above the parameter's layer, the allowance takes a Poisson upper
 * bound on their number, K + 4 sqrt(K) + 1, so: sqrt(K + 4 sqrt(K) + 1) / sqrt(C M).
 */
import { CNN_SPEC, type ModelName } from '@rosetta/harness';
import { FLOAT32_UNIT_ROUNDOFF } from './float32.js';

export interface KinkLayer {
  /** The layer's parameters are `${name}.weight` and `${name}.bias`. */
  readonly name: string;
  /** Whether a ReLU follows it (dense2 gives logits). */
  readonly relu: boolean;
  /** Sum length of each pre-activation. */
  readonly reduction: number;
  /** Output channels or units. */
  readonly channels: number;
  /** Positions per channel in one batch: batch x height x width, or batch. */
  readonly positions: number;
}

/** The CNN's layers in forward order; the GRU has no kink (sigmoid and tanh are smooth). */
export function kinkLayers(model: ModelName, batchSize: number): KinkLayer[] {
  if (model === 'rnn') return [];
  const { channels, kernelSize, blockFilters, flattenSize, denseUnits, classes, imageSize } = CNN_SPEC;
  const [f1, f2] = blockFilters;
  const k2 = kernelSize * kernelSize;
  const full = batchSize * imageSize * imageSize;
  const half = full / 4;
  return [
    { name: 'conv1', relu: true, reduction: k2 * channels, channels: f1, positions: full },
    { name: 'conv2', relu: true, reduction: k2 * f1, channels: f1, positions: full },
    { name: 'conv3', relu: true, reduction: k2 * f1, channels: f2, positions: half },
    { name: 'conv4', relu: true, reduction: k2 * f2, channels: f2, positions: half },
    { name: 'dense1', relu: true, reduction: flattenSize, channels: denseUnits, positions: batchSize },
    { name: 'dense2', relu: false, reduction: denseUnits, channels: classes, positions: batchSize },
  ];
}

/** Expected ReLU flips per step in one layer: N sqrt(2 n) u / pi. */
export function expectedFlips(layer: KinkLayer): number {
  if (!layer.relu) return 0;
  return (layer.channels * layer.positions * Math.sqrt(2 * layer.reduction) * FLOAT32_UNIT_ROUNDOFF) / Math.PI;
}

/**
 * The relative update difference that kinks may cause in `tensor` after `steps` steps;
 * 0 for a tensor with no ReLU at or above its layer.
 */
export function kinkAllowance(layers: readonly KinkLayer[], tensor: string, steps: number): number {
  const index = layers.findIndex((l) => tensor.startsWith(`${l.name}.`));
  if (index < 0) return 0;
  const expected = steps * layers.slice(index).reduce((sum, l) => sum + expectedFlips(l), 0);
  if (expected === 0) return 0;
  const layer = layers[index]!;
  return Math.sqrt(expected + 4 * Math.sqrt(expected) + 1) / Math.sqrt(layer.channels * layer.positions);
}
