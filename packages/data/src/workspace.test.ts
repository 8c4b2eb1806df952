import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DATASETS_DIR_ENV, datasetsDir, findWorkspaceRoot } from './workspace.js';

describe('datasetsDir', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('defaults to datasets/ at the npm workspace root', () => {
    vi.stubEnv(DATASETS_DIR_ENV, '');
    const root = findWorkspaceRoot();
    expect(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))).toHaveProperty('workspaces');
    expect(datasetsDir()).toBe(join(root, 'datasets'));
  });

  it('follows $ROSETTA_DATASETS_DIR, and an explicit option before it', () => {
    vi.stubEnv(DATASETS_DIR_ENV, '/tmp/rosetta-env-cache');
    expect(datasetsDir()).toBe('/tmp/rosetta-env-cache');
    expect(datasetsDir('relative/cache')).toBe(resolve('relative/cache'));
  });

  it('finds the root from a directory deep inside it, and fails clearly outside any workspace', () => {
    const root = findWorkspaceRoot();
    expect(findWorkspaceRoot([join(root, 'packages', 'data', 'src')])).toBe(root);
    expect(() => findWorkspaceRoot(['/'])).toThrow(`set ${DATASETS_DIR_ENV}`);
  });
});
