import { describe, expect, it } from 'vitest';
import { adapterFromInfo, adapterLabelName, adapterReport, describeAdapter } from './index.js';

const llvmpipe = {
  vendor: 'mesa',
  architecture: 'software',
  device: 'llvmpipe-llvm-15-0-6-256-bits-',
  description: 'llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6) 0.0.1',
  isFallbackAdapter: true,
};
const nvidia = { vendor: 'nvidia', architecture: 'hopper', device: '', description: 'NVIDIA H100 80GB HBM3' };

describe('WebGPU adapters', () => {
  it('tells a software rasteriser from a GPU, by Dawn\'s word or by its name', () => {
    expect(adapterFromInfo(llvmpipe).software).toBe(true);
    expect(adapterFromInfo({ ...llvmpipe, isFallbackAdapter: false, architecture: '' }).software).toBe(true);
    expect(adapterFromInfo({ vendor: 'google', architecture: '', device: '', description: 'SwiftShader Device (Subzero)' }).software).toBe(true);
    expect(adapterFromInfo(nvidia).software).toBe(false);
  });

  it('describes it for results and files its runs under its name: llvmpipe for the rasteriser, the GPU otherwise', () => {
    expect(describeAdapter(adapterFromInfo(llvmpipe))).toBe('llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6) 0.0.1 (mesa, software; a software rasteriser on the CPU)');
    expect(describeAdapter(adapterFromInfo(nvidia))).toBe('NVIDIA H100 80GB HBM3 (nvidia, hopper; hardware)');
    expect(adapterLabelName(adapterFromInfo(llvmpipe))).toBe('llvmpipe');
    expect(adapterLabelName(adapterFromInfo(nvidia))).toBe('NVIDIA H100 80GB HBM3');
  });

  it('finds this machine\'s adapter, with the limits the graphs are built within', async () => {
    const { adapter, limits, versions } = await adapterReport();
    expect(adapter.description).not.toBe('');
    expect(limits.maxStorageBuffersPerShaderStage).toBeGreaterThanOrEqual(8);
    expect(versions['webgpu']).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
