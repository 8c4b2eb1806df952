/**
 * SPEC.md's two models as plain loops over the canonical weights, in float64, for tests:
 * an independent forward pass that shares nothing with TF.js (NCHW images, OIHW kernels,
 * dense rows in NCHW flatten order, GRU gates z, r, h in the classic formulation).
 */
import type { Tensor, Weights } from '@rosetta/harness';

function get(weights: Weights, name: string): Tensor {
  const t = weights.get(name);
  if (!t) throw new Error(`reference: missing weight ${name}`);
  return t;
}

/** Same-padded convolution (odd kernel, stride 1) + bias of one image [c, h, w]. */
export function conv2dSame(x: Float64Array, c: number, h: number, w: number, kernel: Tensor, bias: Tensor): Float64Array {
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
export function dense(x: ArrayLike<number>, kernel: Tensor, bias: Tensor): Float64Array {
  const [inputs, units] = kernel.shape as [number, number];
  const out = Float64Array.from(bias.data);
  for (let i = 0; i < inputs; i++) {
    const xi = x[i]!;
    if (xi === 0) continue;
    for (let u = 0; u < units; u++) out[u]! += xi * kernel.data[i * units + u]!;
  }
  return out;
}

/** The CNN's 512 hidden activations (after dense1 and ReLU) for one image given as NCHW [3, 32, 32]. */
export function referenceCnnHidden(weights: Weights, image: ArrayLike<number>): Float64Array {
  let x: Float64Array = Float64Array.from(image);
  let [c, h, w] = [3, 32, 32];
  for (const block of [['conv1', 'conv2'], ['conv3', 'conv4']] as const) {
    for (const name of block) {
      const kernel = get(weights, `${name}.weight`);
      x = relu(conv2dSame(x, c, h, w, kernel, get(weights, `${name}.bias`)));
      c = kernel.shape[0]!;
    }
    x = maxPool2(x, c, h, w);
    h /= 2;
    w /= 2;
  }
  return relu(dense(x, get(weights, 'dense1.weight'), get(weights, 'dense1.bias')));
}

/** Logits of the CNN (dropout off) for one image given as NCHW [3, 32, 32]. */
export function referenceCnnLogits(weights: Weights, image: ArrayLike<number>): Float64Array {
  return dense(referenceCnnHidden(weights, image), get(weights, 'dense2.weight'), get(weights, 'dense2.bias'));
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** Logits of the GRU model for one review of token ids. */
export function referenceRnnLogits(weights: Weights, tokens: ArrayLike<number>): Float64Array {
  const embedding = get(weights, 'embedding.weight');
  const kernel = get(weights, 'gru.kernel');
  const recurrent = get(weights, 'gru.recurrentKernel');
  const bias = get(weights, 'gru.bias');
  const size = embedding.shape[1]!;
  const units = recurrent.shape[0]!;
  let h = new Float64Array(units);
  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t]!;
    const x = embedding.data.subarray(token * size, (token + 1) * size);
    const gx = dense(x, kernel, bias); // [3u]: z, r, h parts
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
      // Classic GRU: the reset gate scales h before the recurrent matmul.
      let sh = gx[2 * units + u]!;
      for (let j = 0; j < units; j++) sh += r[j]! * h[j]! * recurrent.data[j * 3 * units + 2 * units + u]!;
      next[u] = z[u]! * h[u]! + (1 - z[u]!) * Math.tanh(sh);
    }
    h = next;
  }
  return dense(h, get(weights, 'dense.weight'), get(weights, 'dense.bias'));
}

/** Mean softmax cross-entropy of rows of logits against sparse labels. */
export function referenceLoss(logits: readonly Float64Array[], labels: ArrayLike<number>): number {
  let total = 0;
  logits.forEach((row, i) => {
    const max = Math.max(...row);
    const logSum = Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0)) + max;
    total += logSum - row[labels[i]!]!;
  });
  return total / logits.length;
}
