/**
 * Both SPEC.md models' forward passes in plain TypeScript (float64, loops), written from
 * SPEC.md and the canonical weight layout alone. Tests compare the generated ONNX graphs
 * with them; they share no code with the graphs, so a wrong layout or gate order in one
 * shows as a difference. Slow by design: use a batch of one or two samples.
 */
import type { Weights } from '@rosetta/harness';

function param(weights: Weights, name: string): Float32Array {
  const t = weights.get(name);
  if (t === undefined) throw new Error(`reference: no parameter ${name}`);
  return t.data;
}

/** 3x3 convolution, padding 1, stride 1, one image [c, h, w]; kernel OIHW. */
function conv3x3(x: Float64Array, c: number, size: number, w: Float32Array, b: Float32Array, out: number): Float64Array {
  const y = new Float64Array(out * size * size);
  for (let o = 0; o < out; o++) {
    for (let r = 0; r < size; r++) {
      for (let q = 0; q < size; q++) {
        let s = b[o]!;
        for (let i = 0; i < c; i++) {
          for (let kr = 0; kr < 3; kr++) {
            const rr = r + kr - 1;
            if (rr < 0 || rr >= size) continue;
            for (let kq = 0; kq < 3; kq++) {
              const qq = q + kq - 1;
              if (qq < 0 || qq >= size) continue;
              s += w[((o * c + i) * 3 + kr) * 3 + kq]! * x[(i * size + rr) * size + qq]!;
            }
          }
        }
        y[(o * size + r) * size + q] = s;
      }
    }
  }
  return y;
}

function reluInPlace(x: Float64Array): Float64Array {
  for (let i = 0; i < x.length; i++) x[i] = Math.max(0, x[i]!);
  return x;
}

function maxPool2(x: Float64Array, c: number, size: number): Float64Array {
  const half = size / 2;
  const y = new Float64Array(c * half * half);
  for (let i = 0; i < c; i++) {
    for (let r = 0; r < half; r++) {
      for (let q = 0; q < half; q++) {
        const at = (rr: number, qq: number): number => x[(i * size + 2 * r + rr) * size + 2 * q + qq]!;
        y[(i * half + r) * half + q] = Math.max(at(0, 0), at(0, 1), at(1, 0), at(1, 1));
      }
    }
  }
  return y;
}

/** x [in] . W [in, out] + b. */
function dense(x: Float64Array, w: Float32Array, b: Float32Array): Float64Array {
  const out = b.length;
  const y = Float64Array.from(b);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    if (xi === 0) continue;
    for (let j = 0; j < out; j++) y[j]! += xi * w[i * out + j]!;
  }
  return y;
}

export interface ReferenceForward {
  /** [batch * classes] */
  readonly logits: Float64Array;
  /** Input of the last dense layer, [batch * features]: its weight gradient is h^T (p - onehot) / batch. */
  readonly lastHidden: Float64Array;
}

/** The CNN with dropout off on NCHW images [batch, 3, 32, 32]. */
export function cnnReference(weights: Weights, images: Float32Array, batch: number): ReferenceForward {
  const logits: number[] = [];
  const hidden: number[] = [];
  const p = (name: string): Float32Array => param(weights, name);
  for (let n = 0; n < batch; n++) {
    let x: Float64Array = Float64Array.from(images.subarray(n * 3072, (n + 1) * 3072));
    x = reluInPlace(conv3x3(x, 3, 32, p('conv1.weight'), p('conv1.bias'), 50));
    x = reluInPlace(conv3x3(x, 50, 32, p('conv2.weight'), p('conv2.bias'), 50));
    x = maxPool2(x, 50, 32);
    x = reluInPlace(conv3x3(x, 50, 16, p('conv3.weight'), p('conv3.bias'), 100));
    x = reluInPlace(conv3x3(x, 100, 16, p('conv4.weight'), p('conv4.bias'), 100));
    x = maxPool2(x, 100, 16);
    // x is now the (channel, row, column) flattening the canonical dense1 rows follow.
    const h = reluInPlace(dense(x, p('dense1.weight'), p('dense1.bias')));
    hidden.push(...h);
    logits.push(...dense(h, p('dense2.weight'), p('dense2.bias')));
  }
  return { logits: Float64Array.from(logits), lastHidden: Float64Array.from(hidden) };
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/**
 * The GRU classifier on tokens [batch, steps]: kernels [in, 3u] and [u, 3u] with gate columns
 * z, r, h; reset applied to h before the recurrent product; h' = z h + (1 - z) c.
 */
export function rnnReference(weights: Weights, tokens: Int32Array, batch: number, steps: number): ReferenceForward {
  const emb = param(weights, 'embedding.weight');
  const kernel = param(weights, 'gru.kernel');
  const recurrent = param(weights, 'gru.recurrentKernel');
  const bias = param(weights, 'gru.bias');
  const units = bias.length / 3;
  const e = kernel.length / (3 * units);
  const logits: number[] = [];
  const hidden: number[] = [];
  for (let n = 0; n < batch; n++) {
    let h = new Float64Array(units);
    for (let t = 0; t < steps; t++) {
      const id = tokens[n * steps + t]!;
      const x = Float64Array.from(emb.subarray(id * e, (id + 1) * e));
      const xw = dense(x, kernel, bias);
      const hr = dense(h, recurrent, new Float32Array(3 * units));
      const z = new Float64Array(units);
      const r = new Float64Array(units);
      for (let j = 0; j < units; j++) {
        z[j] = sigmoid(xw[j]! + hr[j]!);
        r[j] = sigmoid(xw[units + j]! + hr[units + j]!);
      }
      const rh = h.map((v, j) => v * r[j]!);
      const next = new Float64Array(units);
      for (let j = 0; j < units; j++) {
        let s = xw[2 * units + j]!;
        for (let i = 0; i < units; i++) s += rh[i]! * recurrent[i * 3 * units + 2 * units + j]!;
        const c = Math.tanh(s);
        next[j] = z[j]! * h[j]! + (1 - z[j]!) * c;
      }
      h = next;
    }
    hidden.push(...h);
    logits.push(...dense(h, param(weights, 'dense.weight'), param(weights, 'dense.bias')));
  }
  return { logits: Float64Array.from(logits), lastHidden: Float64Array.from(hidden) };
}

/** Mean softmax cross-entropy and its gradient with respect to the logits. */
export function crossEntropy(logits: Float64Array, labels: Int32Array, classes: number): { loss: number; dLogits: Float64Array } {
  const batch = labels.length;
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
