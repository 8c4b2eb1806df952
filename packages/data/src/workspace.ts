/** Where the dataset cache lives: `datasets/` at the workspace root, unless overridden. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Env var that moves the dataset cache (default `<workspace root>/datasets`). */
export const DATASETS_DIR_ENV = 'ROSETTA_DATASETS_DIR';

/**
 * The nearest directory at or above `start` whose package.json declares npm workspaces.
 * Searched from this module first (it always lives inside the workspace, whatever the
 * current directory), then from the current directory.
 */
export function findWorkspaceRoot(starts: readonly string[] = [dirname(fileURLToPath(import.meta.url)), process.cwd()]): string {
  for (const start of starts) {
    for (let dir = resolve(start); ; dir = dirname(dir)) {
      if (isWorkspaceRoot(dir)) return dir;
      if (dirname(dir) === dir) break;
    }
  }
  throw new Error(`no npm workspace root (package.json with "workspaces") above ${starts.join(' or ')}; set ${DATASETS_DIR_ENV}`);
}

function isWorkspaceRoot(dir: string): boolean {
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) return false;
  try {
    return 'workspaces' in (JSON.parse(readFileSync(manifest, 'utf8')) as object);
  } catch {
    return false;
  }
}

/** The cache directory: the explicit option, else $ROSETTA_DATASETS_DIR, else `<root>/datasets`. */
export function datasetsDir(override?: string): string {
  const chosen = override ?? process.env[DATASETS_DIR_ENV];
  return chosen !== undefined && chosen !== '' ? resolve(chosen) : join(findWorkspaceRoot(), 'datasets');
}
