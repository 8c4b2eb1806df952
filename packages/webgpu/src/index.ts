/**
 * WebGPU for the Node.js backends, through Dawn (the `webgpu` package): one GPU object per process,
 * the adapter it picks described for results and `rosetta doctor`, and told apart from a software
 * rasteriser. ONNX Runtime's WebGPU provider bundles its own Dawn and reports nothing about its
 * adapter; it asks for the high-performance adapter of the same Vulkan (or Metal, D3D12) drivers,
 * which is the one described here, and its graphs are built within that adapter's limits.
 */
import { createRequire } from 'node:module';
import type { WebGpuAdapter } from '@rosetta/harness';

export type { WebGpuAdapter } from '@rosetta/harness';

/** The adapter and the limits the graphs and kernels must stay within. */
export interface AdapterReport {
  readonly adapter: WebGpuAdapter;
  readonly limits: { readonly maxStorageBuffersPerShaderStage: number; readonly maxStorageBufferBindingSize: number };
  readonly versions: Readonly<Record<string, string>>;
}

/** Software rasterisers that expose WebGPU on the CPU: Mesa's llvmpipe (lavapipe) and softpipe, SwiftShader, WARP. */
const SOFTWARE = /llvmpipe|lavapipe|softpipe|swiftshader|\bwarp\b|basic render driver/i;

let gpu: Promise<GPU> | undefined;

/** Dawn's GPU object; created once, so every backend of the process shares its adapter. */
export function webgpu(): Promise<GPU> {
  gpu ??= import('webgpu').then(({ create }) => create([]));
  return gpu;
}

/**
 * Makes `navigator.gpu` Dawn's, as a browser has it, and installs Dawn's WebGPU classes as globals
 * (libraries such as TF.js's WebGPU backend look both up there). Idempotent.
 */
export async function installNavigatorGpu(): Promise<void> {
  const { globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  const instance = await webgpu();
  const navigator = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (navigator === undefined) Object.defineProperty(globalThis, 'navigator', { value: { gpu: instance }, configurable: true, writable: true });
  else if (navigator.gpu !== instance) Object.defineProperty(navigator, 'gpu', { value: instance, configurable: true, writable: true });
}

/** Thrown when there is no WebGPU adapter; the message says what to install. */
export class NoAdapterError extends Error {
  override readonly name = 'NoAdapterError';
}

export const ADAPTER_FIX =
  'install a GPU driver with Vulkan support, or for a software adapter Mesa 25 (Debian 12: `apt-get install -t bookworm-backports mesa-vulkan-drivers libvulkan1`, README.md)';

/** The high-performance adapter, described; throws NoAdapterError where there is none. */
export async function requestAdapter(): Promise<{ adapter: GPUAdapter; report: AdapterReport }> {
  let adapter: GPUAdapter | null;
  try {
    adapter = await (await webgpu()).requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    throw new NoAdapterError(`Dawn (the webgpu package) could not start: ${(error as Error).message}`);
  }
  if (adapter === null) throw new NoAdapterError(`Dawn found no WebGPU adapter (no Vulkan driver that it accepts); ${ADAPTER_FIX}`);
  return { adapter, report: describe(adapter) };
}

/** GPUAdapterInfo as results keep it, with whether it is a software rasteriser (by Dawn's word, or by name). */
export function adapterFromInfo(info: Pick<GPUAdapterInfo, 'vendor' | 'architecture' | 'device' | 'description'> & { isFallbackAdapter?: boolean }): WebGpuAdapter {
  const { vendor, architecture, device, description } = info;
  const software = info.isFallbackAdapter === true || architecture === 'software' || SOFTWARE.test(`${description} ${device}`);
  return { vendor, architecture, device, description, software };
}

function describe(adapter: GPUAdapter): AdapterReport {
  return {
    adapter: adapterFromInfo(adapter.info),
    limits: {
      maxStorageBuffersPerShaderStage: adapter.limits.maxStorageBuffersPerShaderStage,
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
    },
    versions: { webgpu: packageVersion('webgpu') },
  };
}

/** The adapter's report alone, for backends that create their own device (ONNX Runtime's). */
export async function adapterReport(): Promise<AdapterReport> {
  return (await requestAdapter()).report;
}

/** "llvmpipe: Mesa 25.0.7 (LLVM 15.0.6) (mesa, software; a software rasteriser on the CPU)". */
export function describeAdapter(adapter: WebGpuAdapter): string {
  const name = adapter.description || adapter.device || 'unnamed adapter';
  const kind = [adapter.vendor, adapter.architecture].filter(Boolean).join(', ');
  return `${name} (${kind}${kind ? '; ' : ''}${adapter.software ? 'a software rasteriser on the CPU' : 'hardware'})`;
}

/**
 * The label of runs on this adapter: the rasteriser's name for a software one ("llvmpipe"), else the
 * GPU's (slugged by the results store), so that software results are never filed with a GPU's.
 */
export function adapterLabelName(adapter: WebGpuAdapter): string {
  const text = `${adapter.description} ${adapter.device}`;
  const software = SOFTWARE.exec(text)?.[0];
  if (adapter.software) return (software ?? 'software-adapter').toLowerCase().replace(/\s+/g, '-');
  return adapter.description || adapter.device || adapter.vendor || 'webgpu';
}

function packageVersion(name: string): string {
  const require = createRequire(import.meta.url);
  return (require(`${name}/package.json`) as { version: string }).version;
}
