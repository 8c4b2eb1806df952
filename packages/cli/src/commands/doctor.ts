/**
 * `rosetta doctor`: for every framework, whether it loads on this machine, and where it
 * does not, each thing it needs (GPU and driver, provider or native libraries, CUDA and
 * cuDNN versions) checked, with the command that fixes what is missing.
 */
import { Command } from 'commander';
import { frameworkRegistry, type BackendInfo, type Check, type RegisteredFramework } from '@rosetta/harness';

const WIDTH = 18;

/**
 * Loads the backend and releases it again; its error message is the loader's own reason. A
 * WebGPU backend's adapter gets a line of its own: a software one is slow, and says so.
 */
export async function loadChecks(entry: RegisteredFramework): Promise<Check[]> {
  let info: BackendInfo;
  try {
    const backend = await (await entry.resolve()).load();
    await backend.dispose?.();
    info = backend.info;
  } catch (error) {
    return [{ name: 'loads', ok: false, detail: (error as Error).message }];
  }
  const loads: Check = { name: 'loads', ok: true, detail: `${info.backend} on ${info.device}` };
  if (info.adapter === undefined) return [loads];
  const { vendor, architecture, description, software } = info.adapter;
  const kind = software ? 'software (a rasteriser on the CPU: for correctness, never for timings)' : 'hardware';
  return [{ name: 'WebGPU adapter', ok: true, detail: `${description}; vendor ${vendor || '?'}, architecture ${architecture || '?'}, ${kind}` }, loads];
}

function printCheck(check: Check): void {
  console.log(`${''.padEnd(WIDTH)} ${check.ok ? '✓' : '✗'} ${check.name}: ${check.detail}`);
  if (!check.ok && check.fix) console.log(`${''.padEnd(WIDTH)}     fix: ${check.fix}`);
}

async function doctor(names: string[]): Promise<void> {
  const registry = await frameworkRegistry();
  const unknown = names.filter((name) => !registry.has(name));
  if (unknown.length > 0) throw new Error(`unknown framework ${unknown.map((n) => `"${n}"`).join(', ')}; known: ${[...registry.keys()].join(', ')}`);
  const chosen = names.length > 0 ? names.map((name) => registry.get(name)!) : [...registry.values()];
  for (const entry of chosen) {
    const loads = await loadChecks(entry);
    const ok = loads.every((check) => check.ok);
    console.log(`${entry.name.padEnd(WIDTH)} ${ok ? 'available' : 'unavailable'}: ${entry.description}`);
    const framework = await entry.resolve();
    // The requirements are worth reading when something is wrong; a backend that loads needs nothing more.
    const checks = ok || framework.diagnose === undefined ? [] : await framework.diagnose();
    for (const check of [...checks, ...loads]) printCheck(check);
    if (!ok && entry.entry?.setup) console.log(`${''.padEnd(WIDTH)}     to enable it: ${entry.entry.setup}`);
  }
}

export function doctorCommand(): Command {
  return new Command('doctor')
    .description(
      'Load every framework (or the ones named) and say whether it runs here; for one that does not, check each thing ' +
        'it needs (GPU and driver, provider or native libraries, CUDA and cuDNN) and print the command that fixes what is missing.',
    )
    .argument('[frameworks...]', 'frameworks to check (default: all)')
    .action(doctor);
}
