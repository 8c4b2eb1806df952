/**
 * Framework name -> the adapter that implements it, in the manner of ONNX Runtime JS's
 * backend registry. Built-in adapters are imported only when asked for, so a backend
 * whose native library is missing costs nothing to the others. Further adapters plug in
 * through ROSETTA_FRAMEWORKS (comma-separated module paths or package names, each
 * exporting `framework` or `frameworks`), which is how tests add a trivial one.
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BackendUnavailableError, type Framework } from './framework.js';

export interface RegisteredFramework {
  readonly name: string;
  readonly description: string;
  /** The package or module the adapter comes from. */
  readonly module: string;
  /** Imports the adapter; a missing package or export becomes an unavailable framework, not a crash. */
  resolve(): Promise<Framework>;
}

export interface Builtin {
  readonly name: string;
  readonly module: string;
  /** Named exports to look in, after the `frameworks` list. */
  readonly exports: readonly string[];
  readonly description: string;
}

// The module names are data, not import() literals: the backends depend on the harness,
// and a literal would make the harness depend on them back in Nx's project graph.
const BUILTINS: readonly Builtin[] = [
  {
    name: 'tfjs-node-gpu',
    module: '@rosetta/tfjs-node-gpu',
    exports: ['framework'],
    description: 'TensorFlow.js on libtensorflow 2.9.1 with CUDA 11.2 and cuDNN 8.1 (NVIDIA GPU)',
  },
  {
    name: 'tfjs-wasm',
    module: '@rosetta/tfjs-wasm',
    exports: ['framework'],
    description: 'TensorFlow.js WebAssembly backend (XNNPACK), plus the training kernels it lacks',
  },
  {
    name: 'tfjs-cpu',
    module: '@rosetta/tfjs-cpu',
    exports: ['framework'],
    description: 'TensorFlow.js plain JavaScript backend: the slow correctness reference',
  },
  {
    name: 'onnxruntime-cuda',
    module: '@rosetta/onnxruntime',
    exports: ['cudaFramework'],
    description: 'ONNX Runtime 1.29.0 training graphs generated in TypeScript, CUDA execution provider',
  },
  {
    name: 'onnxruntime-cpu',
    module: '@rosetta/onnxruntime',
    exports: ['cpuFramework'],
    description: 'ONNX Runtime 1.29.0 training graphs generated in TypeScript, CPU execution provider',
  },
];

/** A framework that can only say why it cannot run; its load() becomes `status: "unavailable"`. */
function unavailable(name: string, description: string, reason: string): Framework {
  return {
    name,
    description,
    load: () => Promise.reject(new BackendUnavailableError(reason)),
  };
}

function isFramework(value: unknown): value is Framework {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Framework).name === 'string' &&
    typeof (value as Framework).load === 'function'
  );
}

/** Every framework a module exports, from `frameworks` (a list) and the given named exports. */
function exportedFrameworks(module: Record<string, unknown>, names: readonly string[]): Framework[] {
  const found: Framework[] = [];
  const list = module['frameworks'];
  if (Array.isArray(list)) found.push(...list.filter(isFramework));
  for (const name of names) {
    const value = module[name];
    if (isFramework(value) && !found.includes(value)) found.push(value);
  }
  return found;
}

function builtinEntry(builtin: Builtin): RegisteredFramework {
  return {
    name: builtin.name,
    description: builtin.description,
    module: builtin.module,
    async resolve() {
      let module: Record<string, unknown>;
      try {
        module = (await import(builtin.module)) as Record<string, unknown>;
      } catch (error) {
        return unavailable(
          builtin.name,
          builtin.description,
          `cannot import ${builtin.module} (not built yet? run "npx nx run-many -t build"): ${(error as Error).message}`,
        );
      }
      const framework = exportedFrameworks(module, builtin.exports).find((f) => f.name === builtin.name);
      return (
        framework ??
        unavailable(
          builtin.name,
          builtin.description,
          `${builtin.module} does not export the "${builtin.name}" framework yet (expected in \`frameworks\` or as ${builtin.exports.join(', ')})`,
        )
      );
    },
  };
}

/** A plugin is a path (relative to the working directory) or a package name. */
function pluginSpecifier(entry: string): string {
  const looksLikePath = entry.startsWith('.') || isAbsolute(entry) || /\.[cm]?js$/.test(entry);
  return looksLikePath ? pathToFileURL(resolve(entry)).href : entry;
}

async function pluginEntries(list: string): Promise<RegisteredFramework[]> {
  const entries: RegisteredFramework[] = [];
  for (const item of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    let module: Record<string, unknown>;
    try {
      module = (await import(pluginSpecifier(item))) as Record<string, unknown>;
    } catch (error) {
      throw new Error(`ROSETTA_FRAMEWORKS: cannot import "${item}": ${(error as Error).message}`);
    }
    const frameworks = exportedFrameworks(module, ['framework']);
    if (frameworks.length === 0) throw new Error(`ROSETTA_FRAMEWORKS: "${item}" exports neither \`framework\` nor \`frameworks\``);
    for (const framework of frameworks) {
      entries.push({ name: framework.name, description: framework.description, module: item, resolve: async () => framework });
    }
  }
  return entries;
}

/**
 * The built-in frameworks followed by the plugins named in `env.ROSETTA_FRAMEWORKS`.
 * Plugins are imported here (they are small by nature); built-ins only on `resolve()`.
 */
export async function frameworkRegistry(
  env: NodeJS.ProcessEnv = process.env,
  builtins: readonly Builtin[] = BUILTINS,
): Promise<Map<string, RegisteredFramework>> {
  const registry = new Map<string, RegisteredFramework>(builtins.map((b) => [b.name, builtinEntry(b)]));
  for (const plugin of await pluginEntries(env['ROSETTA_FRAMEWORKS'] ?? '')) {
    const existing = registry.get(plugin.name);
    if (existing) throw new Error(`ROSETTA_FRAMEWORKS: "${plugin.module}" registers "${plugin.name}", already provided by ${existing.module}`);
    registry.set(plugin.name, plugin);
  }
  return registry;
}

export function builtinFrameworkNames(): string[] {
  return BUILTINS.map((b) => b.name);
}

/** Looks a framework up by name; an unknown name is an error listing the known ones. */
export async function resolveFramework(name: string, env: NodeJS.ProcessEnv = process.env): Promise<Framework> {
  const registry = await frameworkRegistry(env);
  const entry = registry.get(name);
  if (!entry) throw new Error(`unknown framework "${name}"; known: ${[...registry.keys()].join(', ')}`);
  return entry.resolve();
}
