#!/usr/bin/env node
import { program } from './program.js';

try {
  await program().parseAsync(process.argv);
} catch (error) {
  console.error(`rosetta: ${(error as Error).message}`);
  process.exitCode = 1;
}
