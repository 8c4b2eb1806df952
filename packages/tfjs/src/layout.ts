/**
 * Conversions between the canonical parameter layout (packages/harness/src/weights.ts)
 * and the layout of TF.js layers, so that TF.js starts from the shared seeded weights and
 * can hand its trained weights back for parity checks.
 *
 * Only two tensors of the two models differ between the layouts:
 * - conv kernels: canonical OIHW [out, in, kh, kw]; TF.js HWIO [kh, kw, in, out];
 * - the rows of the CNN's first dense kernel: canonical rows follow the flatten order of
 *   an NCHW feature map (channel, row, column); TF.js flattens its NHWC feature map in the
 *   order (row, column, channel).
 * Everything else is the same: dense kernels are [in, out] in both, the embedding is
 * [vocabulary, size], and the TF.js GRU (Keras, reset_after = false) keeps kernel
 * [in, 3u], recurrent kernel [u, 3u] and one bias [3u] with the gates in the canonical
 * order z, r, h (its GRUCell.call splits them in that order).
 */
import { CNN_SPEC, type Tensor } from '@rosetta/harness';

/** OIHW -> HWIO. */
export function oihwToHwio(kernel: Tensor): Tensor {
  const [o, i, h, w] = dims4(kernel, 'OIHW kernel');
  const out = new Float32Array(kernel.data.length);
  for (let oo = 0; oo < o; oo++)
    for (let ii = 0; ii < i; ii++)
      for (let hh = 0; hh < h; hh++)
        for (let ww = 0; ww < w; ww++)
          out[((hh * w + ww) * i + ii) * o + oo] = kernel.data[((oo * i + ii) * h + hh) * w + ww]!;
  return { shape: [h, w, i, o], data: out };
}

/** HWIO -> OIHW. */
export function hwioToOihw(kernel: Tensor): Tensor {
  const [h, w, i, o] = dims4(kernel, 'HWIO kernel');
  const out = new Float32Array(kernel.data.length);
  for (let hh = 0; hh < h; hh++)
    for (let ww = 0; ww < w; ww++)
      for (let ii = 0; ii < i; ii++)
        for (let oo = 0; oo < o; oo++)
          out[((oo * i + ii) * h + hh) * w + ww] = kernel.data[((hh * w + ww) * i + ii) * o + oo]!;
  return { shape: [o, i, h, w], data: out };
}

/** A feature map's shape as (channels, height, width), whatever order it is flattened in. */
export interface FeatureMap {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
}

/**
 * Reorders the rows of a dense kernel [c*h*w, units] that follows a flatten layer, from
 * rows in NCHW flatten order (c, h, w) to rows in NHWC flatten order (h, w, c).
 */
export function nchwRowsToNhwcRows(kernel: Tensor, map: FeatureMap): Tensor {
  return permuteRows(kernel, map, 'to-nhwc');
}

/** The inverse of `nchwRowsToNhwcRows`. */
export function nhwcRowsToNchwRows(kernel: Tensor, map: FeatureMap): Tensor {
  return permuteRows(kernel, map, 'to-nchw');
}

function permuteRows(kernel: Tensor, map: FeatureMap, direction: 'to-nhwc' | 'to-nchw'): Tensor {
  const { channels, height, width } = map;
  if (kernel.shape.length !== 2 || kernel.shape[0] !== channels * height * width) {
    throw new Error(
      `dense kernel after flatten: expected [${channels * height * width}, units], got [${kernel.shape.join(', ')}]`,
    );
  }
  const units = kernel.shape[1]!;
  const out = new Float32Array(kernel.data.length);
  for (let c = 0; c < channels; c++)
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const nchwRow = (c * height + y) * width + x;
        const nhwcRow = (y * width + x) * channels + c;
        const [from, to] = direction === 'to-nhwc' ? [nchwRow, nhwcRow] : [nhwcRow, nchwRow];
        out.set(kernel.data.subarray(from * units, (from + 1) * units), to * units);
      }
  return { shape: kernel.shape, data: out };
}

function dims4(t: Tensor, what: string): [number, number, number, number] {
  if (t.shape.length !== 4) throw new Error(`${what}: expected 4 dimensions, got [${t.shape.join(', ')}]`);
  return t.shape as [number, number, number, number];
}

/** How one TF.js layer weight is made from one canonical tensor, and back. */
export interface WeightBinding {
  /** Canonical name, e.g. "conv1.weight". */
  readonly canonical: string;
  /** TF.js layer name (the models name their layers) and the weight's index in `layer.getWeights()`. */
  readonly layer: string;
  readonly index: number;
  readonly toTfjs: (t: Tensor) => Tensor;
  readonly fromTfjs: (t: Tensor) => Tensor;
}

const same = (t: Tensor): Tensor => t;

/** Conv2D and Dense layers hold [kernel, bias]; Embedding [embeddings]; GRU [kernel, recurrentKernel, bias]. */
function bind(
  layer: string,
  canonical: readonly string[],
  convert: Partial<Record<number, { toTfjs: (t: Tensor) => Tensor; fromTfjs: (t: Tensor) => Tensor }>> = {},
): WeightBinding[] {
  return canonical.map((name, index) => ({
    canonical: name,
    layer,
    index,
    toTfjs: convert[index]?.toTfjs ?? same,
    fromTfjs: convert[index]?.fromTfjs ?? same,
  }));
}

const convKernel = { toTfjs: oihwToHwio, fromTfjs: hwioToOihw };

/** The CNN's feature map entering Flatten: 100 channels of 8 x 8 (32 halved by two pools). */
const pooledSize = CNN_SPEC.imageSize / CNN_SPEC.poolSize ** 2;
export const CNN_FLATTEN_MAP: FeatureMap = { channels: CNN_SPEC.blockFilters[1], height: pooledSize, width: pooledSize };

export const CNN_BINDINGS: readonly WeightBinding[] = [
  ...bind('conv1', ['conv1.weight', 'conv1.bias'], { 0: convKernel }),
  ...bind('conv2', ['conv2.weight', 'conv2.bias'], { 0: convKernel }),
  ...bind('conv3', ['conv3.weight', 'conv3.bias'], { 0: convKernel }),
  ...bind('conv4', ['conv4.weight', 'conv4.bias'], { 0: convKernel }),
  ...bind('dense1', ['dense1.weight', 'dense1.bias'], {
    0: {
      toTfjs: (t) => nchwRowsToNhwcRows(t, CNN_FLATTEN_MAP),
      fromTfjs: (t) => nhwcRowsToNchwRows(t, CNN_FLATTEN_MAP),
    },
  }),
  ...bind('dense2', ['dense2.weight', 'dense2.bias']),
];

export const RNN_BINDINGS: readonly WeightBinding[] = [
  ...bind('embedding', ['embedding.weight']),
  ...bind('gru', ['gru.kernel', 'gru.recurrentKernel', 'gru.bias']),
  ...bind('dense', ['dense.weight', 'dense.bias']),
];
