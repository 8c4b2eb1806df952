/**
 * SPEC.md's two models as plain loops over the canonical weights, in float64, for the tests
 * of every framework: a forward pass written from SPEC.md and the canonical layout alone
 * (NCHW images, OIHW kernels, dense kernels [in, out] with dense1's rows in NCHW flatten
 * order, GRU gates z, r, h in the classic formulation). It shares no code with any
 * framework, so a wrong layout or gate order in one shows as a difference. Slow by design:
 * use a batch of one or two samples.
 */
import { CNN_SPEC } from '../spec.js';

/** A parameter in the canonical layout (the harness's `Tensor`). */
export interface ReferenceTensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** Parameters by canonical name (the harness's `Weights`). */
export type ReferenceWeights = ReadonlyMap<string, ReferenceTensor>;

export interface ReferenceForward {
  /** [batch * classes] */
  readonly logits: Float64Array;
  /** Input of the last dense layer, [batch * features]: its weight gradient is h^T (p - onehot) / batch. */
  readonly lastHidden: Float64Array;
}

function param(weights: ReferenceWeights, name: string): ReferenceTensor {
  const t = weights.get(name);
  if (t === undefined) throw new Error(`reference: no parameter ${name}`);
  return t;
}

/** Same-padded convolution (odd kernel, stride 1) + bias of one image [c, h, w]; kernel OIHW. */
export function conv2dSame(x: Float64Array, c: number, h: number, w: number, kernel: ReferenceTensor, bias: ReferenceTensor): Float64Array {
  const [o, i, kh, kw] = kernel.shape as [number, number, number, number];
  if (i !== c) throw new Error(`reference conv: ${c} input channels, kernel wants ${i}`);
  const out = new Float64Array(o * h * w);
  const ph = (kh - 1) / 2;
  const pw = (kw - 1) / 2;
  for (let oc = 0; oc < o; oc++)
    for (let y = 0; y < h; y++)
      for (let xx = 0; xx < w; xx++) {
        let s = bias.data[oc]!;
        for (let ic = 0; ic < c; ic++)
          for (let dy = 0; dy < kh; dy++) {
            const yy = y + dy - ph;
            if (yy < 0 || yy >= h) continue;
            for (let dx = 0; dx < kw; dx++) {
              const xi = xx + dx - pw;
              if (xi < 0 || xi >= w) continue;
              s += x[(ic * h + yy) * w + xi]! * kernel.data[((oc * i + ic) * kh + dy) * kw + dx]!;
            }
          }
        out[(oc * h + y) * w + xx] = s;
      }
  return out;
}

export function relu(x: Float64Array): Float64Array {
  return x.map((v) => Math.max(0, v));
}

/** 2x2 max-pool, stride 2, of one image [c, h, w]. */
function maxPool2(x: Float64Array, c: number, h: number, w: number): Float64Array {
  const oh = h / 2;
  const ow = w / 2;
  const out = new Float64Array(c * oh * ow);
  for (let ch = 0; ch < c; ch++)
    for (let y = 0; y < oh; y++)
      for (let xx = 0; xx < ow; xx++) {
        const at = (dy: number, dx: number): number => x[(ch * h + 2 * y + dy) * w + 2 * xx + dx]!;
        out[(ch * oh + y) * ow + xx] = Math.max(at(0, 0), at(0, 1), at(1, 0), at(1, 1));
      }
  return out;
}

/** x [in] . W [in, out] + b. */
export function dense(x: ArrayLike<number>, kernel: ReferenceTensor, bias: ReferenceTensor): Float64Array {
  const [inputs, units] = kernel.shape as [number, number];
  if (x.length !== inputs) throw new Error(`reference dense: ${x.length} inputs, kernel wants ${inputs}`);
  const out = Float64Array.from(bias.data);
  for (let i = 0; i < inputs; i++) {
    const xi = x[i]!;
    if (xi === 0) continue;
    for (let u = 0; u < units; u++) out[u]! += xi * kernel.data[i * units + u]!;
  }
  return out;
}

/** The CNN with dropout off on NCHW images [batch, 3, 32, 32]. */
export function cnnReference(weights: ReferenceWeights, images: ArrayLike<number>, batch: number): ReferenceForward {
  const conv1 = param(weights, 'conv1.weight');
  const [c0, h0, w0] = [conv1.shape[1]!, CNN_SPEC.imageSize, CNN_SPEC.imageSize];
  const pixels = c0 * h0 * w0;
  if (images.length !== batch * pixels) throw new Error(`reference cnn: ${images.length} values for ${batch} images of ${pixels}`);
  const logits: number[] = [];
  const hidden: number[] = [];
  for (let n = 0; n < batch; n++) {
    let x: Float64Array = Float64Array.from({ length: pixels }, (_, i) => images[n * pixels + i]!);
    let [c, h, w] = [c0, h0, w0];
    for (const block of [['conv1', 'conv2'], ['conv3', 'conv4']] as const) {
      for (const name of block) {
        const kernel = param(weights, `${name}.weight`);
        x = relu(conv2dSame(x, c, h, w, kernel, param(weights, `${name}.bias`)));
        c = kernel.shape[0]!;
      }
      x = maxPool2(x, c, h, w);
      h /= 2;
      w /= 2;
    }
    // x is now the (channel, row, column) flattening the canonical dense1 rows follow.
    const features = relu(dense(x, param(weights, 'dense1.weight'), param(weights, 'dense1.bias')));
    hidden.push(...features);
    logits.push(...dense(features, param(weights, 'dense2.weight'), param(weights, 'dense2.bias')));
  }
  return { logits: Float64Array.from(logits), lastHidden: Float64Array.from(hidden) };
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/**
 * The GRU classifier on token ids [batch, steps]: kernels [in, 3u] and [u, 3u] with gate
 * columns z, r, h; the reset gate scales h before the recurrent product (Keras reset_after
 * = false); h' = z h + (1 - z) c; the last step's h feeds the dense head.
 */
export function rnnReference(weights: ReferenceWeights, tokens: ArrayLike<number>, batch: number): ReferenceForward {
  const embedding = param(weights, 'embedding.weight');
  const kernel = param(weights, 'gru.kernel');
  const recurrent = param(weights, 'gru.recurrentKernel');
  const bias = param(weights, 'gru.bias');
  const size = embedding.shape[1]!;
  const units = recurrent.shape[0]!;
  const steps = tokens.length / batch;
  if (!Number.isInteger(steps)) throw new Error(`reference rnn: ${tokens.length} tokens do not split into ${batch} reviews`);
  const logits: number[] = [];
  const hidden: number[] = [];
  for (let n = 0; n < batch; n++) {
    let h = new Float64Array(units);
    for (let t = 0; t < steps; t++) {
      const token = tokens[n * steps + t]!;
      const gx = dense(embedding.data.subarray(token * size, (token + 1) * size), kernel, bias); // [3u]: z, r, h parts
      const z = new Float64Array(units);
      const r = new Float64Array(units);
      for (let u = 0; u < units; u++) {
        let sz = gx[u]!;
        let sr = gx[units + u]!;
        for (let j = 0; j < units; j++) {
          sz += h[j]! * recurrent.data[j * 3 * units + u]!;
          sr += h[j]! * recurrent.data[j * 3 * units + units + u]!;
        }
        z[u] = sigmoid(sz);
        r[u] = sigmoid(sr);
      }
      const next = new Float64Array(units);
      for (let u = 0; u < units; u++) {
        let sh = gx[2 * units + u]!;
        for (let j = 0; j < units; j++) sh += r[j]! * h[j]! * recurrent.data[j * 3 * units + 2 * units + u]!;
        next[u] = z[u]! * h[u]! + (1 - z[u]!) * Math.tanh(sh);
      }
      h = next;
    }
    hidden.push(...h);
    logits.push(...dense(h, param(weights, 'dense.weight'), param(weights, 'dense.bias')));
  }
  return { logits: Float64Array.from(logits), lastHidden: Float64Array.from(hidden) };
}

/** Mean softmax cross-entropy of rows of logits [batch * classes] against sparse labels, and its gradient. */
export function crossEntropy(logits: Float64Array, labels: ArrayLike<number>, classes: number): { loss: number; dLogits: Float64Array } {
  const batch = labels.length;
  if (logits.length !== batch * classes) throw new Error(`reference loss: ${logits.length} logits for ${batch} labels of ${classes} classes`);
  let loss = 0;
  const dLogits = new Float64Array(logits.length);
  for (let n = 0; n < batch; n++) {
    const row = logits.subarray(n * classes, (n + 1) * classes);
    const max = Math.max(...row);
    const total = row.reduce((s, v) => s + Math.exp(v - max), 0);
    loss += Math.log(total) + max - row[labels[n]!]!;
    for (let c = 0; c < classes; c++) dLogits[n * classes + c] = (Math.exp(row[c]! - max) / total - (c === labels[n] ? 1 : 0)) / batch;
  }
  return { loss: loss / batch, dLogits };
}

/** Gradient of the last dense layer's weight [features, classes]: h^T dLogits. */
export function lastDenseGradient(hidden: Float64Array, dLogits: Float64Array, batch: number, classes: number): Float64Array {
  const features = hidden.length / batch;
  const g = new Float64Array(features * classes);
  for (let n = 0; n < batch; n++) {
    for (let f = 0; f < features; f++) {
      for (let c = 0; c < classes; c++) g[f * classes + c]! += hidden[n * features + f]! * dLogits[n * classes + c]!;
    }
  }
  return g;
}
