/**
 * The canonical parameter layout shared by every framework, and the seeded initialiser
 * that fills it. Each framework converts these tensors to its own layout (TF.js: HWIO
 * conv kernels and an NHWC flatten order), so every backend starts from the same numbers.
 *
 * Canonical layout:
 * - conv kernels OIHW [out, in, kh, kw] (ONNX / PyTorch order);
 * - dense kernels [in, out], so that the layer is x . W in every framework; the rows of
 *   `dense1.weight` follow the flatten order of an NCHW feature map (channel, row, column);
 * - GRU kernels [in, 3 * units] and [units, 3 * units] with the gates in the order
 *   update (z), reset (r), candidate (h): the Keras and ONNX order; one bias of 3 * units
 *   (Keras reset_after = false has a single bias; ONNX's Wb + Rb sum to it).
 */
import { createHash } from 'node:crypto';
import seedrandom from 'seedrandom';
import { CNN_SPEC, RNN_SPEC, type ModelName } from './spec.js';

export type Initializer = 'glorot-uniform' | 'zeros' | { uniform: number };

export interface ParameterSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly init: Initializer;
  /** Fan-in and fan-out used by Glorot initialisation. */
  readonly fans?: readonly [number, number];
}

export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** Parameters by canonical name, in the order of `parameterSpecs(model)`. */
export type Weights = ReadonlyMap<string, Tensor>;

function conv(name: string, out: number, inp: number, k: number): ParameterSpec[] {
  return [
    { name: `${name}.weight`, shape: [out, inp, k, k], init: 'glorot-uniform', fans: [inp * k * k, out * k * k] },
    { name: `${name}.bias`, shape: [out], init: 'zeros' },
  ];
}

function dense(name: string, inp: number, out: number): ParameterSpec[] {
  return [
    { name: `${name}.weight`, shape: [inp, out], init: 'glorot-uniform', fans: [inp, out] },
    { name: `${name}.bias`, shape: [out], init: 'zeros' },
  ];
}

export function parameterSpecs(model: ModelName): ParameterSpec[] {
  if (model === 'cnn') {
    const [f1, f2] = CNN_SPEC.blockFilters;
    const k = CNN_SPEC.kernelSize;
    return [
      ...conv('conv1', f1, CNN_SPEC.channels, k),
      ...conv('conv2', f1, f1, k),
      ...conv('conv3', f2, f1, k),
      ...conv('conv4', f2, f2, k),
      ...dense('dense1', CNN_SPEC.flattenSize, CNN_SPEC.denseUnits),
      ...dense('dense2', CNN_SPEC.denseUnits, CNN_SPEC.classes),
    ];
  }
  const { vocabularySize, embeddingSize, units, classes, embeddingInitLimit } = RNN_SPEC;
  return [
    { name: 'embedding.weight', shape: [vocabularySize, embeddingSize], init: { uniform: embeddingInitLimit } },
    { name: 'gru.kernel', shape: [embeddingSize, 3 * units], init: 'glorot-uniform', fans: [embeddingSize, 3 * units] },
    // Glorot rather than Keras's orthogonal default: the same draw is then trivially
    // reproducible in every framework, and SPEC.md allows either when stated.
    { name: 'gru.recurrentKernel', shape: [units, 3 * units], init: 'glorot-uniform', fans: [units, 3 * units] },
    { name: 'gru.bias', shape: [3 * units], init: 'zeros' },
    ...dense('dense', units, classes),
  ];
}

function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Draws every parameter from its own seeded stream (`<seed>/<name>`), so adding a
 * parameter never shifts the numbers of another.
 */
export function initialWeights(model: ModelName, seed: number): Map<string, Tensor> {
  const weights = new Map<string, Tensor>();
  for (const spec of parameterSpecs(model)) {
    const data = new Float32Array(size(spec.shape));
    const init = spec.init;
    if (init !== 'zeros') {
      let limit: number;
      if (init === 'glorot-uniform') {
        const [fanIn, fanOut] = spec.fans!;
        limit = Math.sqrt(6 / (fanIn + fanOut));
      } else {
        limit = init.uniform;
      }
      const random = seedrandom.alea(`${seed}/${spec.name}`);
      for (let i = 0; i < data.length; i++) data[i] = (2 * random() - 1) * limit;
    }
    weights.set(spec.name, { shape: spec.shape, data });
  }
  return weights;
}

/**
 * SHA-256 of the parameters' float32 bytes (little-endian, as every supported platform
 * stores them), concatenated in `parameterSpecs` order: two runs that record the same
 * checksum started from the same numbers, whichever framework they ran on.
 */
export function weightsSha256(model: ModelName, weights: Weights): string {
  const hash = createHash('sha256');
  for (const spec of parameterSpecs(model)) {
    const tensor = weights.get(spec.name);
    if (!tensor) throw new Error(`weights for ${model} lack "${spec.name}"`);
    if (tensor.data.length !== size(spec.shape)) {
      throw new Error(`"${spec.name}" holds ${tensor.data.length} values; its shape [${spec.shape.join(', ')}] needs ${size(spec.shape)}`);
    }
    hash.update(new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
  }
  return hash.digest('hex');
}
