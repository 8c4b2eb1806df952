/**
 * Framework name -> the adapter that implements it, in the manner of ONNX Runtime JS's
 * backend registry. The built-in frameworks are the catalogue's (frameworks.json). Their
 * adapters are imported only when asked for, so a backend whose native library is
 * missing costs nothing to the others. Further adapters plug in
 * through ROSETTA_FRAMEWORKS (comma-separated module paths or package names, each
 * exporting `framework` or `frameworks`), which is how tests add a trivial one.
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { enableHint, FRAMEWORKS, type FrameworkEntry } from './catalogue.js';
import { BackendUnavailableError, type Framework } from './framework.js';

export interface RegisteredFramework {
  readonly name: string;
  readonly description: string;
  /** The package or module the adapter comes from. */
  readonly module: string;
  /** The catalogue's declaration; absent for plugins. */
  readonly entry?: FrameworkEntry;
  /** Imports the adapter; a missing package or export becomes an unavailable framework, not a crash. */
  resolve(): Promise<Framework>;
}

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

/**
 * A catalogue framework's adapter, whose `load()` adds to an unavailable backend's reason
 * what it needs and the command that enables it: that reason is what `rosetta train`
 * records and `rosetta frameworks` prints.
 */
function withEnableHint(framework: Framework, entry: FrameworkEntry): Framework {
  return {
    ...framework,
    async load() {
      try {
        return await framework.load();
      } catch (error) {
        if (error instanceof Error && error.name === 'BackendUnavailableError') {
          throw new BackendUnavailableError(`${error.message} (${entry.name}: ${enableHint(entry)})`);
        }
        throw error;
      }
    },
  };
}

function builtinEntry(entry: FrameworkEntry): RegisteredFramework {
  return {
    name: entry.name,
    description: entry.description,
    module: entry.package,
    entry,
    async resolve() {
      let module: Record<string, unknown>;
      // The package name is data, not an import() literal: the backends depend on the
      // harness, and a literal would make the harness depend on them back in Nx's graph.
      try {
        module = (await import(entry.package)) as Record<string, unknown>;
      } catch (error) {
        return withEnableHint(
          unavailable(entry.name, entry.description, `cannot import ${entry.package} (not built? run "npm run build"): ${(error as Error).message}`),
          entry,
        );
      }
      const framework = exportedFrameworks(module, [entry.export]).find((f) => f.name === entry.name);
      return withEnableHint(
        framework ??
          unavailable(entry.name, entry.description, `${entry.package} does not export the "${entry.name}" framework (expected as \`${entry.export}\`)`),
        entry,
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
  builtins: readonly FrameworkEntry[] = FRAMEWORKS,
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
  return FRAMEWORKS.map((f) => f.name);
}

/** Looks a framework up by name; an unknown name is an error listing the known ones. */
export async function resolveFramework(name: string, env: NodeJS.ProcessEnv = process.env): Promise<Framework> {
  const registry = await frameworkRegistry(env);
  const entry = registry.get(name);
  if (!entry) throw new Error(`unknown framework "${name}"; known: ${[...registry.keys()].join(', ')}`);
  return entry.resolve();
}
