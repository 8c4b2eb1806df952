// `npm run bench`: timing scripts under bench/, kept out of the test run.
import { defineConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

export default defineConfig({ ...shared, test: { ...shared.test, include: ['bench/**/*.bench.ts'], testTimeout: 600_000 } });
