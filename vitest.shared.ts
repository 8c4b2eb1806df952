// Tests import sibling workspace packages from their TypeScript sources, so `vitest run`
// needs no prior build; `tsc -b` builds the same sources into dist/ for the CLI.
import { readdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = dirname(fileURLToPath(import.meta.url));
const packages = join(root, 'packages');

const alias = Object.fromEntries(
  readdirSync(packages)
    .filter((name) => existsSync(join(packages, name, 'src', 'index.ts')))
    .map((name) => [`@rosetta/${name}`, join(packages, name, 'src', 'index.ts')]),
);

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
