import ort from 'onnxruntime-node';
import * as G from '@rosetta/onnx-graph';
async function place(name, build) {
  const g = new G.Graph(name); build(g);
  try { await ort.InferenceSession.create(G.serializeModel(g), { executionProviders: [{ name: 'webgpu', preferredLayout: 'NCHW' }], extra: { session: { disable_cpu_ep_fallback: '1' } }, logSeverityLevel: 3 }); console.log(name, 'all on webgpu'); }
  catch (e) { console.log(name, 'CPU nodes'); }
}
await place('argmax-cast', (g) => { const x = g.input('x', 'float32', [8, 10]); g.output(G.cast(G.argMax(x, 1), 'int32'), 'y'); });
await place('argmax-eq-int64', (g) => { const x = g.input('x', 'float32', [8, 10]); const l = g.input('l', 'int32', [8]); g.output(G.equal(G.argMax(x, 1), G.cast(l, 'int64')), 'y'); });
await place('argmax-only', (g) => { const x = g.input('x', 'float32', [8, 10]); g.output(G.argMax(x, 1), 'y'); });
await place('slice-int32', (g) => { const x = g.input('x', 'int32', [8]); g.output(G.add(G.slice(x, [0], [1], [0]), x), 'y'); });
await place('cast-i32-f32', (g) => { const x = g.input('x', 'int32', [8]); g.output(G.cast(x, 'float32'), 'y'); });
await place('cast-f32-i32', (g) => { const x = g.input('x', 'float32', [8]); g.output(G.cast(x, 'int32'), 'y'); });
await place('argmax-keep-eq', (g) => { const x = g.input('x', 'float32', [8, 10]); const l = g.input('l', 'int32', [8]); g.output(G.reduceMean(G.cast(G.equal(G.cast(G.argMax(x, 1), 'int32'), l), 'float32'), [0]), 'y'); });
