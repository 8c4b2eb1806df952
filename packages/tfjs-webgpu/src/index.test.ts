import * as tf from '@tensorflow/tfjs-core';
import { adapterReport, describeAdapter } from '@rosetta/webgpu';
import { describe, expect, it } from 'vitest';
import { framework } from './index.js';

const { adapter } = await adapterReport();

describe('tfjs-webgpu framework', () => {
  it('loads on the adapter Dawn picks and names that adapter in its BackendInfo', async () => {
    const backend = await framework.load();
    expect(tf.getBackend()).toBe('webgpu');
    expect(backend.info).toMatchObject({ framework: 'tfjs-webgpu', backend: 'webgpu', device: describeAdapter(adapter), adapter });
    expect(backend.info.versions).toMatchObject({
      '@tensorflow/tfjs-core': '4.22.0',
      '@tensorflow/tfjs-backend-webgpu': '4.22.0',
      webgpu: expect.stringMatching(/^\d+\.\d+\.\d+/),
    });
    expect(backend.input).toEqual({ layout: 'NHWC', labels: 'sparse' });
  });

  it('loads again in the same process (the harness loads a framework once per model)', async () => {
    await framework.load();
    await framework.load();
    expect(tf.getBackend()).toBe('webgpu');
    const square = tf.square(tf.tensor1d([1, -2, 3]));
    expect(Array.from(await square.data())).toEqual([1, 4, 9]);
    square.dispose();
  });

  // Machines without a GPU run WebGPU on Mesa's llvmpipe, whose results must never be filed or
  // compared as a GPU's.
  it.runIf(/llvmpipe/.test(adapter.description))('reports Mesa\'s llvmpipe as a software rasteriser and files its runs under "llvmpipe"', async () => {
    const backend = await framework.load();
    expect(backend.info.adapter?.software).toBe(true);
    expect(backend.info.device).toMatch(/^llvmpipe: .*a software rasteriser on the CPU\)$/);
    expect(await framework.machineLabel?.()).toBe('llvmpipe');
  });
});
