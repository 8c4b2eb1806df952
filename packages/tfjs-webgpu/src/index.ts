/**
 * TF.js on its WebGPU backend, in Node.js through Dawn (@rosetta/webgpu): the unchanged TF.js
 * model files on any GPU with Vulkan, Metal or D3D12 drivers, or on a software rasteriser.
 */
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { BackendUnavailableError, describeFramework, hardwareLabel, type Framework } from '@rosetta/harness';
import { createTfjsBackend } from '@rosetta/tfjs';
import { adapterLabelName, adapterReport, describeAdapter, installNavigatorGpu, NoAdapterError, type AdapterReport } from '@rosetta/webgpu';

async function adapterHere(): Promise<AdapterReport> {
  try {
    return await adapterReport();
  } catch (error) {
    if (error instanceof NoAdapterError) throw new BackendUnavailableError(`tfjs-webgpu: ${error.message}`);
    throw error;
  }
}

export const framework: Framework = {
  name: 'tfjs-webgpu',
  description: describeFramework('tfjs-webgpu'),
  async load() {
    const report = await adapterHere();
    await installNavigatorGpu();
    // The backend registers itself on import and reads navigator.gpu when it is first made active.
    await import('@tensorflow/tfjs-backend-webgpu');
    const require = createRequire(import.meta.url);
    const { version } = require('@tensorflow/tfjs-backend-webgpu/package.json') as { version: string };
    const backend = await createTfjsBackend(tf, {
      framework: 'tfjs-webgpu',
      backendName: 'webgpu',
      device: describeAdapter(report.adapter),
      versions: { '@tensorflow/tfjs-backend-webgpu': version, ...report.versions },
    });
    return { ...backend, info: { ...backend.info, adapter: report.adapter } };
  },
  async machineLabel() {
    try {
      return hardwareLabel(adapterLabelName((await adapterReport()).adapter));
    } catch {
      return undefined;
    }
  },
};
