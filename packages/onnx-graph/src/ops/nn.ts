import type { DType } from '../dtype.js';
import { graphOf, type Tensor } from '../graph.js';
import { scalar } from './constants.js';
import { cast, greaterOrEqual, mul } from './elementwise.js';
import { keepThreshold, randomWords, stepKey } from './random.js';

export interface ConvOptions {
  /** [top, left, bottom, right] for 2-D, as ONNX orders them. Default 0. */
  pads?: readonly number[];
  strides?: readonly number[];
  dilations?: readonly number[];
  /**
   * Channel groups (ONNX `group`): the input's C channels and the kernel's O filters split into
   * `group` groups, each filter seeing only its group's C / group channels. Default 1.
   */
  group?: number;
}

function spatial(x: Tensor, w: Tensor, options: ConvOptions): { pads: number[]; strides: number[]; dilations: number[] } {
  const n = x.rank - 2;
  if (w.rank !== x.rank) throw new Error(`onnx-graph: kernel ${w.name} has rank ${w.rank}, input ${x.name} rank ${x.rank}`);
  return {
    pads: [...(options.pads ?? new Array<number>(2 * n).fill(0))],
    strides: [...(options.strides ?? new Array<number>(n).fill(1))],
    dilations: [...(options.dilations ?? new Array<number>(n).fill(1))],
  };
}

/** N-D convolution, NCHW input, kernel [O, C / group, k...], optional bias [O]. */
export function conv(x: Tensor, w: Tensor, b: Tensor | null, options: ConvOptions = {}): Tensor {
  const { pads, strides, dilations } = spatial(x, w, options);
  const group = options.group ?? 1;
  const n = x.rank - 2;
  const [batch, channels] = x.shape;
  if (typeof channels === 'number' && ((w.shape[1] as number) * group !== channels || (w.shape[0] as number) % group !== 0)) {
    throw new Error(`onnx-graph: conv kernel ${w.name} [${w.shape.join(', ')}] in ${group} group(s) does not take ${channels} channels`);
  }
  const outSpatial = Array.from({ length: n }, (_, i) => {
    const size = x.staticShape()[2 + i]! + pads[i]! + pads[i + n]!;
    const extent = dilations[i]! * ((w.shape[2 + i] as number) - 1) + 1;
    return Math.floor((size - extent) / strides[i]!) + 1;
  });
  const kernelShape = w.staticShape().slice(2);
  const inputs = b === null ? [x, w] : [x, w, b];
  const attributes = { kernel_shape: kernelShape, pads, strides, dilations, group: group === 1 ? undefined : group };
  return graphOf(x, w, b).addNode('Conv', inputs, attributes, [
    { dtype: x.dtype, shape: [batch!, w.shape[0]!, ...outSpatial] },
  ])[0]!;
}

/**
 * Transposed convolution (the input gradient of `conv`): kernel [C_in, C_out, kH, kW].
 * `outputShape` gives the spatial size wanted, which removes the ambiguity strides leave.
 */
export function convTranspose(x: Tensor, w: Tensor, outputShape: readonly number[], options: ConvOptions = {}): Tensor {
  const { pads, strides, dilations } = spatial(x, w, options);
  const n = x.rank - 2;
  const outputPadding = Array.from({ length: n }, (_, i) => {
    const natural = strides[i]! * (x.staticShape()[2 + i]! - 1) + dilations[i]! * ((w.shape[2 + i] as number) - 1) + 1 - pads[i]! - pads[i + n]!;
    const extra = outputShape[i]! - natural;
    if (extra < 0 || extra >= strides[i]!) throw new Error(`onnx-graph: convTranspose cannot produce spatial size ${outputShape[i]}`);
    return extra;
  });
  const attributes = {
    kernel_shape: w.staticShape().slice(2),
    pads,
    strides,
    dilations,
    output_padding: outputPadding.some((p) => p > 0) ? outputPadding : undefined,
  };
  return graphOf(x, w).addNode('ConvTranspose', [x, w], attributes, [
    { dtype: x.dtype, shape: [x.shape[0]!, w.shape[1]!, ...outputShape] },
  ])[0]!;
}

export interface MaxPoolOptions {
  kernelShape: readonly number[];
  strides?: readonly number[];
  pads?: readonly number[];
  /**
   * Also emit the Indices output (flat positions of the maxima in the input, NCHW order). Default
   * false: the gradient does not need it, and ONNX Runtime's CPU MaxPool is far slower with it.
   */
  withIndices?: boolean;
}

export function maxPool(x: Tensor, options: MaxPoolOptions): Tensor {
  const n = x.rank - 2;
  const strides = [...(options.strides ?? options.kernelShape)];
  const pads = [...(options.pads ?? new Array<number>(2 * n).fill(0))];
  const dims = x.staticShape();
  const outSpatial = options.kernelShape.map((k, i) => Math.floor((dims[2 + i]! + pads[i]! + pads[i + n]! - k) / strides[i]!) + 1);
  const shape = [dims[0]!, dims[1]!, ...outSpatial];
  const outputs: { dtype: DType; shape: number[] }[] = [{ dtype: x.dtype, shape }];
  if (options.withIndices ?? false) outputs.push({ dtype: 'int64', shape });
  return x.graph.addNode('MaxPool', [x], { kernel_shape: [...options.kernelShape], strides, pads }, outputs)[0]!;
}

export interface DropoutOptions {
  /** false: Dropout is the identity and no node is emitted (inference). */
  training: boolean;
  /**
   * Seed attribute of the ONNX Dropout node. Leave it out for a fresh mask every step; see the
   * README for what ORT does with a fixed seed. On a target without a Dropout kernel, the seed of
   * the generator (0 when left out).
   */
  seed?: number;
  /**
   * The training step number (a float scalar, as the training graph counts steps). Needed on a
   * target without a Dropout kernel, whose masks are drawn by a counter-based generator keyed by
   * (seed, step): a new mask every step.
   */
  step?: Tensor;
}

/**
 * Inverted dropout: in training, zero each element with probability `ratio` and scale the rest by
 * 1 / (1 - ratio). The ONNX Dropout node's second output is the boolean keep-mask its gradient
 * reuses. A target without a Dropout kernel keeps an element where its random word (random.ts) is
 * at least the threshold for `ratio`, and multiplies by that mask, which the Mul rule differentiates.
 */
export function dropout(x: Tensor, ratio: number, options: DropoutOptions): Tensor {
  if (!options.training || ratio === 0) return x;
  const g = x.graph;
  if (!g.supports('Dropout')) {
    if (options.step === undefined) throw new Error(`onnx-graph: dropout on target ${g.target.name} (no Dropout kernel) needs the step number`);
    const words = randomWords(g, x.staticShape(), stepKey(options.seed ?? 0, options.step));
    return mul(x, mul(cast(greaterOrEqual(words, keepThreshold(ratio)), x.dtype), 1 / (1 - ratio)));
  }
  const attributes = { seed: options.seed };
  return g.addNode('Dropout', [x, scalar(g, ratio, x.dtype), scalar(g, 1, 'bool')], attributes, [
    { dtype: x.dtype, shape: x.shape },
    { dtype: 'bool', shape: x.shape },
  ])[0]!;
}
