import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackendUnavailableError } from './framework.js';
import type { FrameworkEntry } from './catalogue.js';
import { frameworkRegistry, resolveFramework } from './registry.js';

let dir: string;
let plugin: string;
let twoPlugins: string;
let empty: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rosetta-registry-'));
  plugin = join(dir, 'plugin.mjs');
  await writeFile(plugin, `export const framework = { name: 'toy', description: 'a toy', load: async () => ({ toy: true }) };\n`);
  twoPlugins = join(dir, 'two.mjs');
  await writeFile(
    twoPlugins,
    `const make = (name) => ({ name, description: name, load: async () => ({}) });\nexport const frameworks = [make('a'), make('b')];\n`,
  );
  empty = join(dir, 'empty.mjs');
  await writeFile(empty, 'export const nothing = 1;\n');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('framework registry', () => {
  it('lists the catalogue frameworks without importing them', async () => {
    const registry = await frameworkRegistry({});
    expect([...registry.keys()]).toEqual(['tfjs-cpu', 'tfjs-wasm', 'onnxruntime-cpu', 'tfjs-webgpu', 'onnxruntime-webgpu', 'tfjs-node-gpu', 'onnxruntime-cuda']);
    expect(registry.get('onnxruntime-cuda')!.module).toBe('@rosetta/onnxruntime');
    expect(registry.get('onnxruntime-cuda')!.entry).toMatchObject({ device: 'gpu', setup: 'npx rosetta setup onnxruntime-cuda' });
  });

  it('adds the plugins of ROSETTA_FRAMEWORKS, from `framework` or a `frameworks` list', async () => {
    const registry = await frameworkRegistry({ ROSETTA_FRAMEWORKS: `${plugin}, ${twoPlugins}` });
    expect([...registry.keys()].slice(-3)).toEqual(['toy', 'a', 'b']);
    const toy = await resolveFramework('toy', { ROSETTA_FRAMEWORKS: plugin });
    expect(await toy.load()).toEqual({ toy: true });
  });

  it('names the plugin that exports no framework, and a name registered twice', async () => {
    await expect(frameworkRegistry({ ROSETTA_FRAMEWORKS: empty })).rejects.toThrow(`"${empty}" exports neither`);
    await expect(frameworkRegistry({ ROSETTA_FRAMEWORKS: `${plugin},${plugin}` })).rejects.toThrow(/registers "toy", already provided/);
    await expect(frameworkRegistry({ ROSETTA_FRAMEWORKS: join(dir, 'missing.mjs') })).rejects.toThrow(/cannot import/);
  });

  it('rejects an unknown name, listing the known ones', async () => {
    await expect(resolveFramework('tfjs-webgl', {})).rejects.toThrow(/unknown framework "tfjs-webgl"; known: tfjs-cpu, tfjs-wasm/);
  });

  it('turns a built-in that cannot be imported, or lacks its export, into an unavailable framework', async () => {
    const entry = (name: string, pkg: string): FrameworkEntry => ({
      name, family: 'tfjs', package: pkg, export: 'framework', device: 'gpu', arithmetic: 'gpu', defaultRun: true,
      description: name, needs: 'a GPU', setup: `npx rosetta setup ${name}`,
    });
    const builtins = [entry('missing', '@rosetta/no-such-package'), entry('unexported', 'node:path')];
    const registry = await frameworkRegistry({}, builtins);
    const missing = await registry.get('missing')!.resolve();
    await expect(missing.load()).rejects.toThrow(BackendUnavailableError);
    await expect(missing.load()).rejects.toThrow(/cannot import @rosetta\/no-such-package \(not built\?/);
    const unexported = await registry.get('unexported')!.resolve();
    await expect(unexported.load()).rejects.toThrow(/node:path does not export the "unexported" framework/);
    // The reason says what the framework needs and the command that enables it.
    await expect(unexported.load()).rejects.toThrow(/\(unexported: it needs a GPU; to enable it run `npx rosetta setup unexported`/);
  });
});
