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
 *
 * The weights file is safetensors (https://huggingface.co/docs/safetensors), so a learner
 * can open the very numbers every backend starts from in Python
 * (`safetensors.numpy.load_file`, `safetensors.torch.load_file`):
 *   8 bytes   little-endian u64 N, the header's length;
 *   N bytes   JSON header: for each tensor {"dtype": "F32", "shape": [...],
 *             "data_offsets": [begin, end]} (byte offsets into the data section), plus
 *             "__metadata__" {"format": "rosetta-weights", "model": "cnn" | "rnn", "layout": ...},
 *             padded with spaces so that the data starts at a multiple of 8;
 *   data      the tensors' float32 values, little-endian, in `parameterSpecs` order, no gaps.
 * Written by hand: the only npm package of that name is an unmaintained 0.0.1, and the
 * layout is this short. The file holds nothing but the model name and the numbers, so its
 * SHA-256 (`weightsSha256`) identifies the numbers, whatever seed or tool produced them.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import seedrandom from 'seedrandom';
import { writeFileAtomic } from '@rosetta/data';
import { CNN_SPEC, RNN_SPEC, type ModelName } from './spec.js';

export type Initializer = 'glorot-uniform' | 'zeros' | { uniform: number };

export interface ParameterSpec<Name extends string = string> {
  readonly name: Name;
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

function conv<N extends string>(name: N, out: number, inp: number, k: number): [ParameterSpec<`${N}.weight`>, ParameterSpec<`${N}.bias`>] {
  return [
    { name: `${name}.weight`, shape: [out, inp, k, k], init: 'glorot-uniform', fans: [inp * k * k, out * k * k] },
    { name: `${name}.bias`, shape: [out], init: 'zeros' },
  ];
}

function dense<N extends string>(name: N, inp: number, out: number): [ParameterSpec<`${N}.weight`>, ParameterSpec<`${N}.bias`>] {
  return [
    { name: `${name}.weight`, shape: [inp, out], init: 'glorot-uniform', fans: [inp, out] },
    { name: `${name}.bias`, shape: [out], init: 'zeros' },
  ];
}

function cnnParameterSpecs() {
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

function rnnParameterSpecs() {
  const { vocabularySize, embeddingSize, units, classes, embeddingInitLimit } = RNN_SPEC;
  return [
    { name: 'embedding.weight', shape: [vocabularySize, embeddingSize], init: { uniform: embeddingInitLimit } },
    { name: 'gru.kernel', shape: [embeddingSize, 3 * units], init: 'glorot-uniform', fans: [embeddingSize, 3 * units] },
    // Glorot rather than Keras's orthogonal default: the same draw is then trivially
    // reproducible in every framework, and SPEC.md allows either when stated.
    { name: 'gru.recurrentKernel', shape: [units, 3 * units], init: 'glorot-uniform', fans: [units, 3 * units] },
    { name: 'gru.bias', shape: [3 * units], init: 'zeros' },
    ...dense('dense', units, classes),
  ] as const satisfies readonly ParameterSpec[];
}

/** The canonical names of each model's parameters, as a type: a model file's parameters by name. */
export type ParameterName<M extends ModelName> = ReturnType<M extends 'cnn' ? typeof cnnParameterSpecs : typeof rnnParameterSpecs>[number]['name'];

export function parameterSpecs(model: ModelName): ParameterSpec[] {
  return model === 'cnn' ? cnnParameterSpecs() : [...rnnParameterSpecs()];
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


/** What `__metadata__.format` says in a weights file written here. */
export const WEIGHTS_FILE_FORMAT = 'rosetta-weights';

const LAYOUT: Readonly<Record<ModelName, string>> = {
  cnn: 'conv OIHW; dense [in, out]; dense1 rows in NCHW flatten order (channel, row, column)',
  rnn: 'embedding [vocabulary, size]; GRU kernels [in, 3u], [u, 3u] and bias [3u], gates z, r, h; dense [in, out]',
};

/** A weights file that cannot be read, or does not hold the model's parameters; the message names the file. */
export class WeightsFileError extends Error {
  override readonly name = 'WeightsFileError';
}

function checkedTensor(model: ModelName, spec: ParameterSpec, weights: Weights): Tensor {
  const tensor = weights.get(spec.name);
  if (!tensor) throw new Error(`weights for ${model} lack "${spec.name}"`);
  if (tensor.data.length !== size(spec.shape)) {
    throw new Error(`"${spec.name}" holds ${tensor.data.length} values; its shape [${spec.shape.join(', ')}] needs ${size(spec.shape)}`);
  }
  return tensor;
}

/** The safetensors bytes of `weights` (layout in the module comment). */
export function encodeWeights(model: ModelName, weights: Weights): Uint8Array {
  const specs = parameterSpecs(model);
  const tensors = specs.map((spec) => checkedTensor(model, spec, weights));
  const extra = [...weights.keys()].filter((name) => !specs.some((s) => s.name === name));
  if (extra.length > 0) throw new Error(`weights for ${model} hold tensors the model does not have: ${extra.join(', ')}`);
  const header: Record<string, unknown> = {
    __metadata__: { format: WEIGHTS_FILE_FORMAT, model, layout: LAYOUT[model] },
  };
  let offset = 0;
  specs.forEach((spec, i) => {
    const bytes = tensors[i]!.data.length * 4;
    header[spec.name] = { dtype: 'F32', shape: [...spec.shape], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  });
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerBytes = new Uint8Array(json.length + ((8 - (json.length % 8)) % 8)).fill(0x20);
  headerBytes.set(json);
  const file = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(file.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  file.set(headerBytes, 8);
  // DataView writes little-endian whatever the platform's byte order.
  let position = 8 + headerBytes.length;
  for (const tensor of tensors) {
    for (const value of tensor.data) {
      view.setFloat32(position, value, true);
      position += 4;
    }
  }
  return file;
}

/**
 * SHA-256 of the weights file `encodeWeights` writes: two runs that record the same
 * checksum started from the same numbers, whichever framework they ran on, and
 * `sha256sum` of a file from `saveWeights` (or `rosetta weights`) gives the same value.
 */
export function weightsSha256(model: ModelName, weights: Weights): string {
  return createHash('sha256').update(encodeWeights(model, weights)).digest('hex');
}

interface HeaderEntry {
  readonly dtype: unknown;
  readonly shape: unknown;
  readonly data_offsets: unknown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameShape(a: readonly number[], b: unknown): boolean {
  return Array.isArray(b) && a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Reads safetensors bytes holding every parameter of `model` as float32 in the canonical
 * shapes (any safetensors writer will do: PyTorch's, numpy's, this module's). Every
 * problem is reported with `file` in the message.
 */
export function decodeWeights(bytes: Uint8Array, model: ModelName, file: string): Map<string, Tensor> {
  const fail = (what: string): never => {
    throw new WeightsFileError(`${file}: ${what}`);
  };
  if (bytes.length < 8) fail(`not a safetensors file: ${bytes.length} bytes, shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(bytes.length - 8)) {
    fail(`not a safetensors file: header length ${headerLength} exceeds the ${bytes.length - 8} bytes that follow it`);
  }
  const dataStart = 8 + Number(headerLength);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, dataStart)));
  } catch (error) {
    fail(`not a safetensors file: the header is not UTF-8 JSON (${(error as Error).message})`);
  }
  if (!isObject(header)) return fail('not a safetensors file: the header is not a JSON object');
  const metadata = header['__metadata__'];
  if (isObject(metadata) && metadata['model'] !== undefined && metadata['model'] !== model) {
    fail(`holds weights for model "${String(metadata['model'])}", not "${model}"`);
  }
  const specs = parameterSpecs(model);
  const names = Object.keys(header).filter((name) => name !== '__metadata__');
  const unknown = names.filter((name) => !specs.some((s) => s.name === name));
  if (unknown.length > 0) fail(`tensors the ${model} model does not have: ${unknown.join(', ')}`);
  const dataLength = bytes.length - dataStart;
  const ranges: Array<readonly [number, number, string]> = [];
  const weights = new Map<string, Tensor>();
  for (const spec of specs) {
    const entry = header[spec.name];
    if (!isObject(entry)) return fail(`lacks tensor "${spec.name}" of the ${model} model`);
    const { dtype, shape, data_offsets: offsets } = entry as unknown as HeaderEntry;
    if (dtype !== 'F32') fail(`tensor "${spec.name}" is ${String(dtype)}, expected F32 (float32)`);
    if (!sameShape(spec.shape, shape)) {
      fail(`tensor "${spec.name}" has shape ${JSON.stringify(shape)}, expected [${spec.shape.join(', ')}] (canonical layout)`);
    }
    const [begin, end] = Array.isArray(offsets) ? offsets : [];
    if (!Number.isSafeInteger(begin) || !Number.isSafeInteger(end) || begin < 0 || end > dataLength || end - begin !== size(spec.shape) * 4) {
      fail(`tensor "${spec.name}": data_offsets ${JSON.stringify(offsets)} do not hold ${size(spec.shape)} float32 values within the ${dataLength} data bytes`);
    }
    ranges.push([begin, end, spec.name]);
    const data = new Float32Array(size(spec.shape));
    for (let i = 0; i < data.length; i++) data[i] = view.getFloat32(dataStart + begin + 4 * i, true);
    weights.set(spec.name, { shape: spec.shape, data });
  }
  // safetensors forbids holes and overlaps: the tensors tile the data section exactly.
  ranges.sort((a, b) => a[0] - b[0]);
  let expected = 0;
  for (const [begin, end, name] of ranges) {
    if (begin !== expected) fail(`tensor "${name}" starts at data byte ${begin}, expected ${expected} (overlap or gap)`);
    expected = end;
  }
  if (expected !== dataLength) fail(`${dataLength - expected} data bytes after the last tensor (truncated or padded file?)`);
  return weights;
}

/** Writes the weights file atomically; returns its SHA-256. */
export async function saveWeights(file: string, model: ModelName, weights: Weights): Promise<string> {
  const bytes = encodeWeights(model, weights);
  await writeFileAtomic(file, bytes);
  return createHash('sha256').update(bytes).digest('hex');
}

/** Reads and validates a weights file; `sha256` is that of the file's bytes. */
export async function loadWeights(file: string, model: ModelName): Promise<{ weights: Map<string, Tensor>; sha256: string }> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new WeightsFileError(`${file}: cannot read the weights file (${(error as Error).message})`);
  }
  return { weights: decodeWeights(bytes, model, file), sha256: createHash('sha256').update(bytes).digest('hex') };
}
