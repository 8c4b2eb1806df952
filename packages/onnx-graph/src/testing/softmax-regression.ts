// A tiny model worked out by hand in plain TypeScript (float64), the reference the optimiser and
// Loop tests compare the ONNX graphs against: logits = x W + b, mean softmax cross-entropy.

export interface Problem {
  batch: number;
  features: number;
  classes: number;
  x: number[];
  labels: number[];
}

export interface Params {
  w: number[];
  b: number[];
}

/** Loss and gradients: d logits = (softmax - onehot) / B, dW = x^T d logits, db = column sums. */
export function lossAndGrads(p: Problem, params: Params): { loss: number; grads: Params } {
  const { batch, features, classes, x, labels } = p;
  const dw = new Array<number>(features * classes).fill(0);
  const db = new Array<number>(classes).fill(0);
  let loss = 0;
  for (let n = 0; n < batch; n++) {
    const logits = Array.from({ length: classes }, (_, c) => {
      let z = params.b[c]!;
      for (let f = 0; f < features; f++) z += x[n * features + f]! * params.w[f * classes + c]!;
      return z;
    });
    const max = Math.max(...logits);
    const denom = logits.reduce((s, z) => s + Math.exp(z - max), 0);
    const label = labels[n]!;
    loss += (Math.log(denom) + max - logits[label]!) / batch;
    for (let c = 0; c < classes; c++) {
      const d = (Math.exp(logits[c]! - max) / denom - (c === label ? 1 : 0)) / batch;
      db[c]! += d;
      for (let f = 0; f < features; f++) dw[f * classes + c]! += x[n * features + f]! * d;
    }
  }
  return { loss, grads: { w: dw, b: db } };
}

/** v = momentum v + g; w = w - lr v (SPEC.md). */
export function sgdMomentumStep(w: number[], g: number[], v: number[], lr: number, momentum: number): { w: number[]; v: number[] } {
  const nv = v.map((vi, i) => momentum * vi + g[i]!);
  return { w: w.map((wi, i) => wi - lr * nv[i]!), v: nv };
}

/** Adam with bias correction, t the 1-based step number. */
export function adamStep(
  w: number[],
  g: number[],
  m: number[],
  v: number[],
  t: number,
  o: { lr: number; beta1: number; beta2: number; epsilon: number },
): { w: number[]; m: number[]; v: number[] } {
  const nm = m.map((mi, i) => o.beta1 * mi + (1 - o.beta1) * g[i]!);
  const nv = v.map((vi, i) => o.beta2 * vi + (1 - o.beta2) * g[i]! * g[i]!);
  const nw = w.map((wi, i) => {
    const mHat = nm[i]! / (1 - o.beta1 ** t);
    const vHat = nv[i]! / (1 - o.beta2 ** t);
    return wi - (o.lr * mHat) / (Math.sqrt(vHat) + o.epsilon);
  });
  return { w: nw, m: nm, v: nv };
}
