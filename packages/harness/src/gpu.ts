/**
 * The one GPU detection of the project: what `nvidia-smi` reports. Results record it, the
 * GPU frameworks name their device with it, `rosetta doctor` starts from it, and machine
 * labels of GPU runs come from its name.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

export interface GpuInfo {
  readonly name: string;
  readonly memory: string;
  readonly driver: string;
  /** The highest CUDA version the driver supports, from nvidia-smi's banner. */
  readonly cuda: string | null;
}

const run = promisify(execFile);

/** The first GPU as nvidia-smi describes it, or null where there is none (or no driver). */
export async function detectGpu(): Promise<GpuInfo | null> {
  let query: string;
  try {
    ({ stdout: query } = await run('nvidia-smi', ['--query-gpu=name,memory.total,driver_version', '--format=csv,noheader'], { timeout: 10_000 }));
  } catch {
    return null;
  }
  const first = query.split('\n').find((line) => line.trim() !== '');
  if (!first) return null;
  const [name = 'NVIDIA GPU', memory = '', driver = ''] = first.split(',').map((part) => part.trim());
  let cuda: string | null = null;
  try {
    const { stdout: banner } = await run('nvidia-smi', [], { timeout: 10_000 });
    cuda = /CUDA Version:\s*([\d.]+)/.exec(banner)?.[1] ?? null;
  } catch {
    // The query worked; a banner without the CUDA version only loses that detail.
  }
  return { name, memory, driver, cuda };
}

/** "NVIDIA H200 (143771 MiB, driver 580.65.06, CUDA 13.0)". */
export function describeGpu(gpu: GpuInfo): string {
  const details = [gpu.memory, gpu.driver && `driver ${gpu.driver}`, gpu.cuda && `CUDA ${gpu.cuda}`].filter(Boolean);
  return details.length > 0 ? `${gpu.name} (${details.join(', ')})` : gpu.name;
}
