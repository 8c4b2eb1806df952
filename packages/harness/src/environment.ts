/**
 * The machine a result was measured on, stored with every result: a time means little
 * without the CPU, the GPU and the library versions behind it.
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import type { BackendInfo } from './framework.js';
import { describeGpu, detectGpu } from './gpu.js';
import type { Environment } from './results.js';

async function osDescription(): Promise<string> {
  try {
    const release = await readFile('/etc/os-release', 'utf8');
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(release)?.[1];
    if (pretty) return `${pretty} (${os.type()} ${os.release()})`;
  } catch {
    // Not Linux, or a minimal image: the kernel line below still says what ran.
  }
  return `${os.type()} ${os.release()}`;
}

let harnessVersion: string | undefined;

/** This package's own version: results from different harness versions may time differently. */
export async function ownVersion(): Promise<string> {
  if (harnessVersion === undefined) {
    const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    harnessVersion = manifest.version;
  }
  return harnessVersion;
}

/** The backend fields for a run whose backend never loaded. */
export function unloadedBackend(framework: string): Pick<BackendInfo, 'backend' | 'device' | 'versions'> {
  return { backend: `${framework} (not loaded)`, device: 'none', versions: {} };
}

/** The CPU as results record it. */
export function cpuInfo(): Environment['cpu'] {
  return { model: os.cpus()[0]?.model.trim() ?? 'unknown', cores: os.availableParallelism() };
}

/** The machine without a backend: what a bench record stores once for all of its rows. */
export type Machine = Omit<Environment, 'backend' | 'device' | 'versions'>;

export async function captureMachine(startedAt: Date): Promise<Machine> {
  return {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    os: await osDescription(),
    cpu: cpuInfo(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    gpu: await detectGpu().then((gpu) => gpu && describeGpu(gpu)),
    hostname: os.hostname(),
    startedAt: startedAt.toISOString(),
    loadAverage: os.loadavg().map((load) => Math.round(load * 100) / 100) as [number, number, number],
  };
}

export async function captureEnvironment(
  backend: Pick<BackendInfo, 'backend' | 'device' | 'versions' | 'adapter'>,
  startedAt: Date,
): Promise<Environment> {
  return {
    ...(await captureMachine(startedAt)),
    backend: backend.backend,
    device: backend.device,
    ...(backend.adapter === undefined ? {} : { adapter: backend.adapter }),
    versions: { ...backend.versions, '@rosetta/harness': await ownVersion() },
  };
}
