// Finite-difference check of every gradient rule, one test per op type (plus the cases that make
// a rule branch: broadcasting, transposes, unused outputs, repeated ids).
//
// float64 (every op that ORT's CPU provider runs in float64): h = 1e-5, tolerance 1e-6 on the
// error scaled by max(1, |numeric|). Central differences are off by about h^2 |L'''| / 6 ~ 1e-11
// (the losses here are smooth and of order 1-10 near the test points) plus the float64 rounding
// of two loss values divided by 2h, about 1e-16 * 10 / 1e-5 = 1e-10. 1e-6 sits far above both and
// far below what a wrong rule gives (a dropped term, a missing transpose: errors of order 0.1-1).
//
// float32 (Conv: ORT has no float64 Conv or ConvTranspose kernel on the CPU provider): the loss is
// linear in each of X, W and B, so central differences have no truncation error at any h, and
// h = 0.5 makes the float32 rounding of the loss (about 1e-7 relative, on sums of ~100 terms of
// order 1, i.e. ~1e-5 absolute) small after dividing by 2h = 1. Tolerance 1e-4 (worst seen: 4e-6).
import { describe, expect, test } from 'vitest';
import * as G from '../index.js';
import { gradients } from './rules/index.js';
import { checkGradients, type GradCheck } from '../testing/gradcheck.js';

const f64 = { dtype: 'float64', h: 1e-5, tolerance: 1e-6 } as const;
const f32Linear = { dtype: 'float32', h: 0.5, tolerance: 1e-4 } as const;

/** Values away from 0 by at least `gap`, so Relu's kink and MaxPool ties stay out of reach of h. */
function spread(count: number, gap = 0.01): number[] {
  return Array.from({ length: count }, (_, i) => (i % 2 === 0 ? 1 : -1) * (gap + ((i * 37) % count) / count));
}

const cases: Record<string, GradCheck[]> = {
  Add: [
    { ...f64, inputs: { a: { shape: [2, 3] }, b: { shape: [2, 3] } }, forward: ({ a, b }) => G.add(a!, b!) },
    { ...f64, inputs: { a: { shape: [2, 3, 4] }, b: { shape: [3, 1] } }, forward: ({ a, b }) => G.add(a!, b!) },
  ],
  Sub: [{ ...f64, inputs: { a: { shape: [4] }, b: { shape: [2, 1] } }, forward: ({ a, b }) => G.sub(a!, b!) }],
  Mul: [{ ...f64, inputs: { a: { shape: [2, 3] }, b: { shape: [1, 3] } }, forward: ({ a, b }) => G.mul(a!, b!) }],
  Div: [
    {
      ...f64,
      inputs: { a: { shape: [2, 3] }, b: { shape: [3], values: [1.5, -2, 3] } },
      forward: ({ a, b }) => G.div(a!, b!),
    },
  ],
  Sum: [{ ...f64, inputs: { a: { shape: [2, 3] }, b: { shape: [3] }, c: { shape: [2, 1] } }, forward: ({ a, b, c }) => G.sum([a!, b!, c!]) }],
  Neg: [{ ...f64, inputs: { x: { shape: [5] } }, forward: ({ x }) => G.neg(x!) }],
  Identity: [{ ...f64, inputs: { x: { shape: [5] } }, forward: ({ x }) => G.identity(x!) }],
  Relu: [{ ...f64, inputs: { x: { shape: [3, 4], values: spread(12) } }, forward: ({ x }) => G.relu(x!) }],
  Sigmoid: [{ ...f64, inputs: { x: { shape: [3, 4] } }, forward: ({ x }) => G.sigmoid(G.mul(x!, 3)) }],
  Tanh: [{ ...f64, inputs: { x: { shape: [3, 4] } }, forward: ({ x }) => G.tanh(G.mul(x!, 2)) }],
  Exp: [{ ...f64, inputs: { x: { shape: [6] } }, forward: ({ x }) => G.exp(x!) }],
  Sqrt: [{ ...f64, inputs: { x: { shape: [4], values: [0.5, 1, 2, 3] } }, forward: ({ x }) => G.sqrt(x!) }],
  Log: [{ ...f64, inputs: { x: { shape: [4], values: [0.5, 1, 2, 3] } }, forward: ({ x }) => G.log(x!) }],
  // float32 <-> float64: the loss stays linear, so the float32 rounding of x +- h is all there is.
  Cast: [{ ...f64, h: 1e-2, tolerance: 1e-4, inputs: { x: { shape: [4] } }, forward: ({ x }) => G.cast(G.mul(G.cast(x!, 'float32'), 2), 'float64') }],
  Where: [
    {
      ...f64,
      inputs: { c: { shape: [4], dtype: 'bool', values: [1, 0, 0, 1] }, a: { shape: [2, 4] }, b: { shape: [1] } },
      forward: ({ c, a, b }) => G.where(c!, a!, b!),
    },
  ],
  Reshape: [{ ...f64, inputs: { x: { shape: [2, 6] } }, forward: ({ x }) => G.mul(G.reshape(x!, [3, -1]), G.constant(x!.graph, 'float64', [3, 4], spread(12))) }],
  Flatten: [{ ...f64, inputs: { x: { shape: [2, 3, 2] } }, forward: ({ x }) => G.flatten(x!) }],
  Squeeze: [{ ...f64, inputs: { x: { shape: [2, 1, 3] } }, forward: ({ x }) => G.squeeze(x!, [1]) }],
  Unsqueeze: [{ ...f64, inputs: { x: { shape: [2, 3] } }, forward: ({ x }) => G.unsqueeze(x!, [0, 2]) }],
  Transpose: [{ ...f64, inputs: { x: { shape: [2, 3, 4] } }, forward: ({ x }) => G.transpose(x!, [2, 0, 1]) }],
  Expand: [{ ...f64, inputs: { x: { shape: [3, 1] } }, forward: ({ x }) => G.expand(x!, [2, 3, 4]) }],
  Slice: [{ ...f64, inputs: { x: { shape: [4, 5] } }, forward: ({ x }) => G.slice(x!, [1, -4], [3, 100], [0, 1]) }],
  // The middle piece reaches no loss, so the rule has to fill in zeros for it.
  Split: [{ ...f64, inputs: { x: { shape: [2, 6] } }, forward: ({ x }) => { const [a, , c] = G.split(x!, [1, 2, 3], 1); return G.concat([c!, a!], 1); } }],
  Concat: [{ ...f64, inputs: { a: { shape: [2, 1] }, b: { shape: [2, 3] } }, forward: ({ a, b }) => G.concat([a!, b!], 1) }],
  ReduceSum: [
    { ...f64, inputs: { x: { shape: [2, 3, 4] } }, forward: ({ x }) => G.reduceSum(x!, [0, 2]) },
    { ...f64, inputs: { x: { shape: [2, 3, 4] } }, forward: ({ x }) => G.reduceSum(x!, [-1], true) },
  ],
  ReduceMean: [{ ...f64, inputs: { x: { shape: [2, 3, 4] } }, forward: ({ x }) => G.reduceMean(x!, [1]) }],
  MatMul: [
    { ...f64, inputs: { a: { shape: [3, 4] }, b: { shape: [4, 2] } }, forward: ({ a, b }) => G.matMul(a!, b!) },
    { ...f64, inputs: { a: { shape: [2, 3, 4] }, b: { shape: [4, 2] } }, forward: ({ a, b }) => G.matMul(a!, b!) },
    { ...f64, inputs: { a: { shape: [2, 3, 4] }, b: { shape: [1, 4, 2] } }, forward: ({ a, b }) => G.matMul(a!, b!) },
  ],
  Gemm: [false, true].flatMap((transA) =>
    [false, true].map(
      (transB): GradCheck => ({
        ...f64,
        inputs: { a: { shape: transA ? [4, 3] : [3, 4] }, b: { shape: transB ? [2, 4] : [4, 2] }, c: { shape: [2] } },
        forward: ({ a, b, c }) => G.gemm(a!, b!, c!, { transA, transB, alpha: 0.5, beta: 2 }),
      }),
    ),
  ),
  Conv: [
    {
      ...f32Linear,
      inputs: { x: { shape: [2, 2, 5, 5] }, w: { shape: [3, 2, 3, 3] }, b: { shape: [3] } },
      forward: ({ x, w, b }) => G.conv(x!, w!, b!, { pads: [1, 1, 1, 1] }),
    },
    {
      ...f32Linear,
      inputs: { x: { shape: [1, 2, 6, 5] }, w: { shape: [2, 2, 3, 2] } },
      forward: ({ x, w }) => G.conv(x!, w!, null, { pads: [1, 0, 0, 1], strides: [2, 2] }),
    },
    {
      ...f32Linear,
      inputs: { x: { shape: [1, 1, 7, 7] }, w: { shape: [2, 1, 2, 2] } },
      forward: ({ x, w }) => G.conv(x!, w!, null, { dilations: [2, 2], strides: [2, 1] }),
    },
    {
      ...f32Linear,
      inputs: { x: { shape: [1, 2, 7, 6] }, w: { shape: [2, 2, 3, 2] } },
      forward: ({ x, w }) => G.conv(x!, w!, null, { dilations: [2, 1], pads: [2, 0, 1, 1] }),
    },
    // 16 input channels and a bias.
    {
      ...f32Linear,
      inputs: { x: { shape: [2, 16, 3, 3] }, w: { shape: [2, 16, 2, 2] }, b: { shape: [2] } },
      forward: ({ x, w, b }) => G.conv(x!, w!, b!, { pads: [1, 0, 0, 1] }),
    },
  ],
  // 2x2 windows on a 4x6 input, and 3x2 windows (a permutation of width 3 * 2) on 6x4.
  MaxPool: [
    { ...f64, inputs: { x: { shape: [2, 2, 4, 6], values: spread(96) } }, forward: ({ x }) => G.maxPool(x!, { kernelShape: [2, 2] }) },
    { ...f64, inputs: { x: { shape: [1, 2, 6, 4], values: spread(48) } }, forward: ({ x }) => G.maxPool(x!, { kernelShape: [3, 2] }) },
  ],
  Dropout: [
    {
      ...f64,
      freshSessions: true,
      inputs: { x: { shape: [4, 6] } },
      forward: ({ x }) => G.dropout(x!, 0.25, { training: true, seed: 7 }),
    },
  ],
  // Repeated ids: rows 1 and 3 are read several times, so their gradients are sums.
  Gather: [
    {
      ...f64,
      inputs: { table: { shape: [5, 3] }, ids: { shape: [2, 4], dtype: 'int64', values: [1, 3, 1, 0, 3, 3, 4, 1] } },
      forward: ({ table, ids }) => G.gather(table!, ids!),
    },
  ],
  SoftmaxCrossEntropyLoss: [
    {
      ...f64,
      inputs: { logits: { shape: [4, 3] }, labels: { shape: [4], dtype: 'int64', values: [0, 2, 1, 2] } },
      forward: ({ logits, labels }) => G.softmaxCrossEntropy(G.mul(logits!, 3), labels!),
    },
  ],
};

describe('finite-difference check of every gradient rule', () => {
  test('every registered rule has a case here', () => {
    expect([...gradients.keys()].sort()).toEqual(Object.keys(cases).sort());
  });

  for (const [opType, checks] of Object.entries(cases)) {
    test(opType, async () => {
      for (const check of checks) expect(await checkGradients(check)).toBeLessThanOrEqual(check.tolerance);
    });
  }

  test('a tensor used several times gets the sum of its gradients (x * x + x)', async () => {
    await checkGradients({ ...f64, inputs: { x: { shape: [3] } }, forward: ({ x }) => G.add(G.mul(x!, x!), G.sigmoid(x!)) });
  });

  // A weight used by several products gets its gradient as one GEMM over the stacked operands
  // (grad.ts): products of different row counts, a batched MatMul folded into rows, and a Gemm that
  // reads the same square weight transposed all have to land in the right place of that one product.
  test('a weight shared by MatMuls and a transposing Gemm gets the sum of its gradients', async () => {
    await checkGradients({
      ...f64,
      inputs: { w: { shape: [3, 3] }, x1: { shape: [2, 3] }, x2: { shape: [2, 2, 3] }, x3: { shape: [4, 3] } },
      forward: ({ w, x1, x2, x3 }) =>
        G.add(G.reduceSum(G.matMul(G.tanh(G.matMul(x1!, w!)), w!), [0]), G.add(G.reduceSum(G.matMul(x2!, w!), [0, 1]), G.reduceSum(G.gemm(x3!, w!, null, { transB: true }), [0]))),
    });
  });

  // The GRU of SPEC.md (reset gate applied before the recurrent matmul, Keras reset_after=false),
  // unrolled over 3 steps on embedded tokens: every rule the RNN needs, composed.
  test('an embedding + GRU unrolled over 3 steps + dense + loss composes', async () => {
    const [batchSize, steps, embed, units] = [2, 3, 3, 2];
    await checkGradients({
      ...f64,
      inputs: {
        table: { shape: [5, embed] },
        tokens: { shape: [batchSize, steps], dtype: 'int64', values: [1, 4, 1, 0, 2, 1] },
        kernel: { shape: [embed, 3 * units] },
        recurrent: { shape: [units, 3 * units] },
        bias: { shape: [3 * units] },
        dense: { shape: [units, 2] },
        labels: { shape: [batchSize], dtype: 'int64', values: [1, 0] },
      },
      forward: ({ table, tokens, kernel, recurrent, bias, dense, labels }) => {
        const x = G.gather(table!, tokens!); // [B, T, E]
        const projected = G.add(G.matMul(x, kernel!), bias!); // [B, T, 3U], all steps at once
        const recurrentZR = G.slice(recurrent!, [0], [2 * units], [1]);
        const recurrentH = G.slice(recurrent!, [2 * units], [3 * units], [1]);
        let h = G.zeros(x.graph, 'float64', [batchSize, units]);
        for (let t = 0; t < steps; t++) {
          const xt = G.squeeze(G.slice(projected, [t], [t + 1], [1]), [1]);
          const [xz, xr, xh] = G.split(xt, [units, units, units], 1);
          const [hz, hr] = G.split(G.matMul(h, recurrentZR), [units, units], 1);
          const z = G.sigmoid(G.add(xz!, hz!));
          const r = G.sigmoid(G.add(xr!, hr!));
          const candidate = G.tanh(G.add(xh!, G.matMul(G.mul(r, h), recurrentH)));
          h = G.add(G.mul(z, h), G.mul(G.sub(1, z), candidate));
        }
        return G.softmaxCrossEntropy(G.matMul(h, dense!), labels!);
      },
    });
  });

  // What onnx-graph builds for a provider without these kernels and with few tensors per node
  // (WebGPU's case, target.ts): each other form, differentiated op by op, on the CPU provider.
  describe('on a target without Sum, SoftmaxCrossEntropyLoss, TopK and Dropout kernels, 4 tensors per node', () => {
    const target: G.Target = { name: 'narrow', unsupported: new Set(['Sum', 'SoftmaxCrossEntropyLoss', 'TopK', 'Dropout']), nodeTensorLimit: 4 };
    const narrow = { ...f64, target };

    test('a sum of five terms is a tree of Adds', async () => {
      await checkGradients({
        ...narrow,
        inputs: { a: { shape: [2, 3] }, b: { shape: [3] }, c: { shape: [2, 1] }, d: { shape: [2, 3] }, e: { shape: [1] } },
        forward: ({ a, b, c, d, e }) => G.sum([a!, b!, c!, d!, e!]),
      });
    });

    test('a split into 7 pieces and a concat of 7 are trees of at most 3 pieces per node', async () => {
      await checkGradients({
        ...narrow,
        inputs: { x: { shape: [2, 14] } },
        forward: ({ x }) => {
          const pieces = G.split(x!, [1, 2, 3, 1, 2, 4, 1], 1);
          const nodes = x!.graph.nodes.filter((n) => n.opType === 'Split');
          expect(Math.max(...nodes.map((n) => n.outputs.length))).toBeLessThanOrEqual(3);
          return G.concat([...pieces.slice(4), ...pieces.slice(0, 3)].map((p) => G.tanh(p)), 1);
        },
      });
    });

    test('softmax cross-entropy from a one-hot, a shifted log-sum-exp and a mean', async () => {
      await checkGradients({
        ...narrow,
        inputs: { logits: { shape: [4, 3] }, labels: { shape: [4], dtype: 'int32', values: [0, 2, 1, 2] } },
        forward: ({ logits, labels }) => G.softmaxCrossEntropy(G.mul(logits!, 3), labels!),
      });
    });

    test('the embedding gradient as one scatter-add, with repeated ids', async () => {
      await checkGradients({
        ...narrow,
        inputs: { table: { shape: [5, 3] }, ids: { shape: [2, 4], dtype: 'int32', values: [1, 3, 1, 0, 3, 3, 4, 1] } },
        forward: ({ table, ids }) => G.gather(table!, ids!),
      });
    });

    test('dropout as a multiply by a mask from the counter-based generator', async () => {
      await checkGradients({
        ...narrow,
        inputs: { x: { shape: [4, 6] }, step: { shape: [], values: [3] , differentiable: false } },
        forward: ({ x, step }) => G.dropout(x!, 0.25, { training: true, seed: 7, step: step! }),
      });
    });
  });

  test('a two-layer network with every kind of op composes', async () => {
    await checkGradients({
      ...f64,
      inputs: {
        x: { shape: [3, 4] },
        w1: { shape: [4, 5] },
        b1: { shape: [5] },
        w2: { shape: [5, 2] },
        labels: { shape: [3], dtype: 'int64', values: [1, 0, 1] },
      },
      forward: ({ x, w1, b1, w2, labels }) => {
        const h = G.tanh(G.add(G.matMul(x!, w1!), b1!));
        return G.softmaxCrossEntropy(G.gemm(h, w2!, null), labels!);
      },
    });
  });
});
