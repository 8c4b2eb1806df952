// The cross-package tests: they run the built `rosetta` binary, so Nx builds the packages first.
import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../vitest.shared.ts';

export default mergeConfig(shared, defineConfig({ test: { include: ['*.test.ts'] } }));
