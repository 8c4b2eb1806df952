/**
 * The subcommands, one module each. To add one, write
 * commands/<name>.ts exporting a factory that returns a commander Command, and list it here.
 */
import type { Command } from 'commander';
import { benchCommand } from './bench.js';
import { dataCommand } from './data.js';
import { doctorCommand } from './doctor.js';
import { frameworksCommand } from './frameworks.js';
import { parityCommand } from './parity.js';
import { reportCommand } from './report.js';
import { setupCommand } from './setup.js';
import { trainCommand } from './train.js';
import { weightsCommand } from './weights.js';

export const commands: ReadonlyArray<() => Command> = [
  trainCommand,
  dataCommand,
  frameworksCommand,
  doctorCommand,
  setupCommand,
  reportCommand,
  parityCommand,
  weightsCommand,
  benchCommand,
];
