import ort from 'onnxruntime-node';
import { Graph, conv, matMul, reshape, transpose, constant, serializeModel } from '@rosetta/onnx-graph';
const N = 8, C = +process.argv[2] || 50, H = 32, K = 9, O = 50;
function oneHot(g) { const v = new Array(C*K*K).fill(0); for (let c=0;c<C;c++) for (let p=0;p<K;p++) v[(c*K+p)*K+p]=1; return constant(g,'float32',[C*K,1,3,3],v); }
async function run(ep, bytes, feeds) { const s = await ort.InferenceSession.create(bytes, { executionProviders: [ep === 'webgpu' && process.env.LAYOUT ? { name: 'webgpu', preferredLayout: process.env.LAYOUT } : ep], logSeverityLevel: 3 }); return s.run(feeds); }
function rel(a, b) { let m=0, d=0; for (let i=0;i<a.length;i++){ m=Math.max(m,Math.abs(b[i])); d=Math.max(d,Math.abs(a[i]-b[i])); } return d/m; }
const x = new Float32Array(N*C*H*H).map(()=>Math.random()-0.5);
{ // grouped conv
  const g = new Graph('g'); const xi = g.input('x','float32',[N,C,H,H]); g.output(conv(xi, oneHot(g), null, { pads:[1,1,1,1], group: C }),'y');
  const b = serializeModel(g); const f = { x: new ort.Tensor('float32', x, [N,C,H,H]) };
  const [a, w] = [await run('cpu', b, f), await run('webgpu', b, f)]; console.log('grouped conv C', C, rel(w.y.data, a.y.data));
}
{ // batched matmul
  const A = new Float32Array(N*C*K*H*H).map(()=>Math.random()-0.5), B = new Float32Array(N*H*H*O).map(()=>Math.random()-0.5);
  const g = new Graph('m'); const ai = g.input('a','float32',[N,C*K,H*H]); const bi = g.input('b','float32',[N,H*H,O]); g.output(matMul(ai,bi),'y');
  const bytes = serializeModel(g); const f = { a: new ort.Tensor('float32', A, [N,C*K,H*H]), b: new ort.Tensor('float32', B, [N,H*H,O]) };
  const [a, w] = [await run('cpu', bytes, f), await run('webgpu', bytes, f)]; console.log('batched matmul', rel(w.y.data, a.y.data));
}
