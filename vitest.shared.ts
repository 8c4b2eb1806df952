// Tests import sibling workspace packages from their TypeScript sources, so `vitest run`
// needs no prior build; `tsc -b` builds the same sources into dist/ for the CLI.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = dirname(fileURLToPath(import.meta.url));
const packages = join(root, 'packages');

/**
 * Every entry a package exports (".", "./testing", ...), mapped from its built file
 * (dist/testing/index.js) to its source (src/testing/index.ts). Whole-name patterns, so
 * that "@rosetta/data" does not also capture "@rosetta/data/testing".
 */
const alias = readdirSync(packages)
  .filter((name) => existsSync(join(packages, name, 'src', 'index.ts')))
  .flatMap((name) => {
    const { exports } = JSON.parse(readFileSync(join(packages, name, 'package.json'), 'utf8')) as {
      exports: Record<string, { default: string } | string>;
    };
    // A plain file entry ("./spec.json") is the file itself.
    return Object.entries(exports).map(([subpath, entry]) => ({
      find: new RegExp(`^@rosetta/${name}${subpath.slice(1)}$`),
      replacement: join(packages, name, typeof entry === 'string' ? entry : entry.default.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts')),
    }));
  });

export const workspaceRoot = root;

export default defineConfig({
  resolve: { alias },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
