/**
 * The real offline subsets: $ROSETTA_DATASET_MIRROR when it names a directory, else
 * `<workspace root>/../shared/datasets` (CI checks the shared folder out beside the clone).
 * Tests that need them fail with this explanation when the folder is absent, never skip.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MIRROR_ENV } from '../source.js';
import { findWorkspaceRoot } from '../workspace.js';

export function sharedDatasetsDir(): string {
  const fromEnv = process.env[MIRROR_ENV];
  const dir = fromEnv !== undefined && fromEnv !== '' && !/^https?:/i.test(fromEnv)
    ? resolve(findWorkspaceRoot(), fromEnv)
    : resolve(findWorkspaceRoot(), '..', 'shared', 'datasets');
  if (!existsSync(join(dir, 'manifest.json'))) {
    throw new Error(`the shared real datasets are not at ${dir} (no manifest.json): check out the shared folder beside ` +
      `the repository (../shared/datasets) or set ${MIRROR_ENV} to its datasets directory`);
  }
  return dir;
}
