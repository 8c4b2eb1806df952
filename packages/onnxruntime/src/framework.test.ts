import { BackendUnavailableError, detectGpu } from '@rosetta/harness';
import { describe, expect, test } from 'vitest';
import { cpuFramework, cudaFramework, frameworks, webgpuFramework } from './framework.js';

describe('ONNX Runtime frameworks', () => {
  test('onnxruntime-cpu loads and describes its provider, threads and versions', async () => {
    const backend = await cpuFramework.load();
    expect(backend.info.framework).toBe('onnxruntime-cpu');
    expect(backend.info.backend).toMatch(/^CPUExecutionProvider, \d+ intra-op threads/);
    expect(backend.info.versions['onnxruntime-node']).toBe('1.29.0');
    expect(backend.input).toEqual({ layout: 'NCHW', labels: 'sparse' });
  });

  test('onnxruntime-cuda loads where a GPU and the CUDA provider exist, else is unavailable with ORT\'s reason', async () => {
    const load = cudaFramework.load();
    if ((await detectGpu()) === null) {
      // No silent fallback to the CPU: without a GPU the framework refuses to load.
      await expect(load).rejects.toBeInstanceOf(BackendUnavailableError);
      await expect(load).rejects.toThrow(/CUDAExecutionProvider/);
    } else {
      expect((await load).info.backend).toMatch(/^CUDAExecutionProvider/);
    }
  });

  test('onnxruntime-webgpu loads on the WebGPU adapter and names it in its results', async () => {
    const backend = await webgpuFramework.load();
    expect(backend.info.backend).toMatch(/^WebGpuExecutionProvider/);
    expect(backend.info.adapter).toBeDefined();
    expect(backend.info.device).toContain(backend.info.adapter!.description);
    // These machines have Mesa's llvmpipe only: a software adapter, and filed under its name.
    expect(backend.info.adapter!.software).toBe(true);
    expect(await webgpuFramework.machineLabel!()).toBe('llvmpipe');
  });

  test('the registry list holds all three, under the names the CLI uses', () => {
    expect(frameworks.map((f) => f.name)).toEqual(['onnxruntime-cpu', 'onnxruntime-cuda', 'onnxruntime-webgpu']);
  });
});
