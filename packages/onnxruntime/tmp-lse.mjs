import ort from 'onnxruntime-node';
import * as G from '@rosetta/onnx-graph';
const g = new G.Graph('lse'); const x = g.input('x', 'float32', [2, 3]);
g.output(g.addNode('ReduceLogSumExp', [x], { axes: [1], keepdims: 1 }, [{ dtype: 'float32', shape: [2, 1] }])[0], 'lse');
const bytes = G.serializeModel(g);
const feeds = { x: new ort.Tensor('float32', Float32Array.of(1000, 0, -5, -1000, -1001, -1002), [2, 3]) };
for (const ep of ['cpu', 'webgpu']) console.log(ep, (await (await ort.InferenceSession.create(bytes, { executionProviders: [ep] })).run(feeds)).lse.data);
