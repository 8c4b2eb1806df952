import { describe, expect, it } from 'vitest';
import { CATALOGUE, describeFramework, familyOf, parseCatalogue } from './catalogue.js';

describe('framework catalogue', () => {
  it('declares every framework once, in reference order, each in a known family, tfjs-cpu out of the default run', () => {
    expect(CATALOGUE.frameworks.map((f) => f.name)).toEqual(['tfjs-cpu', 'tfjs-wasm', 'onnxruntime-cpu', 'tfjs-webgpu', 'onnxruntime-webgpu', 'tfjs-node-gpu', 'onnxruntime-cuda']);
    expect(CATALOGUE.frameworks.filter((f) => !f.defaultRun).map((f) => f.name)).toEqual(['tfjs-cpu']);
    // The CPU and WebGPU frameworks need nothing beyond npm install; the CUDA ones say how to enable them.
    for (const f of CATALOGUE.frameworks) expect(f.setup === null, f.name).toBe(!['tfjs-node-gpu', 'onnxruntime-cuda'].includes(f.name));
    expect(familyOf('tfjs-wasm')?.directory).toBe('packages/tfjs');
    expect(familyOf('onnxruntime-cuda')?.title).toBe('ONNX Runtime');
    expect(describeFramework('onnxruntime-cpu')).toMatch(/CPU execution provider/);
    expect(() => describeFramework('caffe')).toThrow(/"caffe" is not in the framework catalogue/);
  });

  it('refuses a catalogue with an unknown family or a name declared twice, naming the file', () => {
    const framework = { name: 'a', family: 'tfjs', package: 'p', export: 'framework', device: 'cpu', arithmetic: 'native', defaultRun: true, description: 'd', needs: 'n', setup: null };
    const families = [{ id: 'tfjs', title: 'T', package: 'p', directory: 'packages/p' }];
    expect(() => parseCatalogue(JSON.stringify({ families, frameworks: [{ ...framework, family: 'mxnet' }] }), 'x.json')).toThrow(
      /x\.json: not a valid framework catalogue: frameworks\.0\.family: unknown family "mxnet"/,
    );
    expect(() => parseCatalogue(JSON.stringify({ families, frameworks: [framework, framework] }), 'x.json')).toThrow(/"a" is declared twice/);
    expect(() => parseCatalogue('{', 'x.json')).toThrow(/x\.json: not valid JSON/);
  });
});
