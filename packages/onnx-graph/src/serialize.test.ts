import { describe, expect, test } from 'vitest';
import * as G from './index.js';
import { onnx } from './onnx-proto.js';
import { session } from './testing/ort.js';

/** A graph that uses every attribute kind the ops emit: int, ints, float, string, tensor, graph. */
function build(): G.Graph {
  const g = new G.Graph('roundtrip');
  const x = g.input('x', 'float32', ['batch', 3]);
  const w = g.constant({ dtype: 'float32', shape: [2, 3], values: [1, 2, 3, -1, 0.5, 0.25] }, 'w');
  const y = G.gemm(x, w, null, { transB: true, alpha: 0.5 }); // ints and a float
  const z = G.transpose(G.add(y, G.zeros(g, 'float32', [1, 2])), [1, 0]); // ints, tensor
  const { carried } = G.loop(g, 3, [z], (_i, [acc]) => ({ carried: [G.mul(acc!, 2)] })); // graph
  g.output(carried[0]!, 'y');
  return g;
}

describe('serialisation', () => {
  test('encodes a model that parses back to the same structure and re-encodes to the same bytes', () => {
    const bytes = G.serializeModel(build());
    const model = G.parseModel(bytes);
    expect(model.irVersion).toBe(G.IR_VERSION);
    expect(model.opsetImport).toEqual([{ domain: '', version: G.OPSET }]);
    const graph = model.graph!;
    expect(graph.input?.[0]?.type?.tensorType?.shape?.dim).toEqual([{ dimParam: 'batch' }, { dimValue: 3 }]);
    expect(graph.node?.map((n) => n.opType)).toEqual(['Gemm', 'ConstantOfShape', 'Add', 'Transpose', 'Loop', 'Identity']);
    const gemm = graph.node![0]!;
    expect(gemm.attribute).toEqual([
      { name: 'transA', type: onnx.AttributeProto.AttributeType.INT, i: 0 },
      { name: 'transB', type: onnx.AttributeProto.AttributeType.INT, i: 1 },
      { name: 'alpha', type: onnx.AttributeProto.AttributeType.FLOAT, f: 0.5 },
    ]);
    expect(graph.node![3]!.attribute![0]!.ints).toEqual([1, 0]);
    const body = graph.node![4]!.attribute![0]!.g!;
    expect(body.node?.map((n) => n.opType)).toEqual(['Mul', 'Identity']);
    const w = graph.initializer!.find((t) => t.name === 'w')!;
    expect(w.dims).toEqual([2, 3]);
    expect(Array.from(new Float32Array(new Uint8Array(w.rawData!).buffer))).toEqual([1, 2, 3, -1, 0.5, 0.25]);

    const again = onnx.ModelProto.encode(onnx.ModelProto.fromObject(model)).finish();
    expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
  });

  test('ORT loads the bytes and computes the graph for any batch size', async () => {
    const s = await session(build());
    for (const batch of [1, 4]) {
      const x = Array.from({ length: batch * 3 }, (_, i) => i - 2);
      const out = (await s.run({ x: { dtype: 'float32', shape: [batch, 3], values: x } }))['y']!;
      // y[j][n] = 8 * 0.5 * sum_k x[n][k] w[j][k]  (the loop doubles three times)
      const w = [1, 2, 3, -1, 0.5, 0.25];
      const want = [0, 1].flatMap((j) =>
        Array.from({ length: batch }, (_, n) => 4 * [0, 1, 2].reduce((acc, k) => acc + x[n * 3 + k]! * w[j * 3 + k]!, 0)),
      );
      expect(Array.from(out)).toEqual(want);
    }
    await s.release();
  });

  test('rejects a graph whose output it does not produce, naming it', () => {
    const g = new G.Graph('bad');
    const x = g.input('x', 'float32', [2]);
    g.outputs.push(x);
    expect(() => G.serializeModel(g)).toThrow(/output x of graph bad is not produced in it/);
  });
});
