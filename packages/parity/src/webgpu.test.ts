/**
 * ONNX Runtime's WebGPU provider against its CPU provider: one training step of each model, every
 * parameter's update within the derived float32 tolerances (tolerance.ts). WebGPU kernels sum in
 * other orders than the CPU's (and the embedding gradient's atomic adds in a varying one); the
 * rounding analysis covers any order, so no extra term is needed. The provider's default NHWC
 * layout, which computes the filter gradients' grouped convolutions wrongly in ONNX Runtime 1.29,
 * shows that the comparison catches a GPU kernel bug, and names the layers.
 */
import type { Framework } from '@rosetta/harness';
import { cnn, cpuFramework, webgpuFramework, webgpuProvider } from '@rosetta/onnxruntime';
import { adapterReport } from '@rosetta/webgpu';
import { describe, expect, it } from 'vitest';
import { noiseImages, reviews } from './testing/splits.js';
import { runParity, type ParityReport } from './parity.js';


/** onnxruntime-webgpu with the provider's own default layout, NHWC, instead of the graphs' NCHW. */
async function nhwcFramework(): Promise<Framework> {
  const report = await adapterReport();
  const nchw = webgpuProvider(report.adapter, report.limits.maxStorageBuffersPerShaderStage);
  const nhwc = { ...nchw, options: { ...nchw.options, executionProviders: [{ name: 'webgpu', preferredLayout: 'NHWC' as const }] } };
  return {
    name: 'onnxruntime-webgpu-nhwc',
    description: 'onnxruntime-webgpu in the NHWC layout',
    async load() {
      const backend = await webgpuFramework.load();
      return { ...backend, info: { ...backend.info, framework: 'onnxruntime-webgpu-nhwc' }, createModel: (options) => cnn.createModel(options, nhwc) };
    },
  };
}

function failing(report: ParityReport, a: string, b: string): string[] {
  const pair = report.pairs.find((p) => p.a === a && p.b === b)!;
  return [...pair.losses.filter((l) => !l.passed).map((l) => `loss ${l.step}`), ...pair.tensors.filter((t) => !t.passed).map((t) => t.name)];
}

// A step on Mesa's llvmpipe (WebGPU on the CPU) takes seconds.
describe('ONNX Runtime on WebGPU against the CPU', { timeout: 600_000 }, () => {
  it('GRU: one step agrees within float32 rounding', async () => {
    const report = await runParity({ model: 'rnn', frameworks: [cpuFramework, webgpuFramework], split: await reviews(32), steps: 1, batchSize: 16, seed: 5 });
    expect(report.runs.map((r) => r.framework)).toEqual(['onnxruntime-cpu', 'onnxruntime-webgpu']);
    expect(failing(report, 'onnxruntime-webgpu', 'onnxruntime-cpu')).toEqual([]);
    expect(report.passed).toBe(true);
  });

  it('CNN: one step agrees within float32 rounding; in the NHWC layout conv2 to conv4 learn from wrong filter gradients, named', async () => {
    const report = await runParity({
      model: 'cnn',
      frameworks: [cpuFramework, webgpuFramework, await nhwcFramework()],
      split: noiseImages(8, 'parity-webgpu/cifar'),
      steps: 1,
      batchSize: 8,
      seed: 5,
    });
    expect(failing(report, 'onnxruntime-webgpu', 'onnxruntime-cpu')).toEqual([]);
    expect(failing(report, 'onnxruntime-webgpu-nhwc', 'onnxruntime-cpu')).toEqual(expect.arrayContaining(['conv2.weight', 'conv3.weight', 'conv4.weight']));
    expect(failing(report, 'onnxruntime-webgpu-nhwc', 'onnxruntime-cpu')).not.toContain('conv1.weight');
  });
});
