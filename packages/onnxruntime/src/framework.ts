/**
 * The three ONNX Runtime frameworks of the harness registry: the same generated graphs, run on
 * the CPU, or on the CUDA or WebGPU execution provider.
 */
import {
  BackendUnavailableError, describeFramework, describeGpu, detectGpu, hardwareLabel, type Backend, type Framework,
} from '@rosetta/harness';
import { adapterLabelName, adapterReport, NoAdapterError, type AdapterReport } from '@rosetta/webgpu';
import { createOrtBackend } from './backend.js';
import { diagnoseCuda, setupCuda } from './cuda-libraries.js';
import { matMulPeak } from './peak.js';
import { checkProvider, cpuProvider, cudaProvider, webgpuProvider, type Provider, type ProviderName } from './provider.js';

/**
 * The provider on this machine. For WebGPU that means an adapter first: its limits shape the
 * graphs. Throws BackendUnavailableError with the reason.
 */
async function providerHere(name: ProviderName): Promise<{ provider: Provider; webgpu: AdapterReport | null }> {
  if (name === 'cpu') return { provider: cpuProvider(), webgpu: null };
  if (name === 'cuda') return { provider: cudaProvider(), webgpu: null };
  let report: AdapterReport;
  try {
    report = await adapterReport();
  } catch (error) {
    if (error instanceof NoAdapterError) throw new BackendUnavailableError(`onnxruntime-webgpu: ${error.message}`);
    throw error;
  }
  return { provider: webgpuProvider(report.adapter, report.limits.maxStorageBuffersPerShaderStage), webgpu: report };
}

/** An ONNX Runtime framework on one provider. */
export function ortFramework(name: ProviderName, description: string): Framework {
  return {
    name: `onnxruntime-${name}`,
    description,
    async load(): Promise<Backend> {
      const { provider, webgpu } = await providerHere(name);
      await checkProvider(provider);
      const gpu = name === 'cuda' ? await detectGpu() : null;
      return createOrtBackend(provider, { gpu: gpu && describeGpu(gpu), webgpu });
    },
    ...(name === 'webgpu' && {
      machineLabel: async () => {
        try {
          return hardwareLabel(adapterLabelName((await adapterReport()).adapter));
        } catch {
          return undefined;
        }
      },
    }),
  };
}

export const cpuFramework: Framework = { ...ortFramework('cpu', describeFramework('onnxruntime-cpu')), peak: () => matMulPeak(cpuProvider()) };

export const cudaFramework: Framework = {
  ...ortFramework('cuda', describeFramework('onnxruntime-cuda')),
  diagnose: diagnoseCuda,
  setup: setupCuda,
};

export const webgpuFramework = ortFramework('webgpu', describeFramework('onnxruntime-webgpu'));

export const frameworks: readonly Framework[] = [cpuFramework, cudaFramework, webgpuFramework];
