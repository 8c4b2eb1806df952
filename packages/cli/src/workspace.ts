/**
 * Where defaults live. Nx runs target commands from the workspace root, but a person may
 * call `rosetta` from a package directory: the defaults (results/, datasets/) must land in
 * the same place either way.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The nearest directory at or above `from` holding nx.json; `from` itself when there is none. */
export function workspaceRoot(from: string = process.cwd()): string {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    if (dirname(dir) === dir) return resolve(from);
  }
}

export function defaultResultsDir(): string {
  return join(workspaceRoot(), 'results');
}

export function defaultCacheDir(): string {
  return join(workspaceRoot(), 'datasets');
}
