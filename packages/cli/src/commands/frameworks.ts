/** `rosetta frameworks`: every registered framework and whether it can run on this machine. */
import { Command } from 'commander';
import { frameworkRegistry } from '@rosetta/harness';

async function list(options: { check: boolean }): Promise<void> {
  const registry = await frameworkRegistry();
  for (const entry of registry.values()) {
    console.log(`${entry.name.padEnd(18)} ${entry.description} [${entry.module}]`);
    if (!options.check) continue;
    try {
      const backend = await (await entry.resolve()).load();
      console.log(`${''.padEnd(18)} available: ${backend.info.backend} on ${backend.info.device}`);
      await backend.dispose?.();
    } catch (error) {
      console.log(`${''.padEnd(18)} unavailable: ${(error as Error).message}`);
    }
  }
}

export function frameworksCommand(): Command {
  return new Command('frameworks')
    .description('List the frameworks (built-in and from $ROSETTA_FRAMEWORKS) and load each to tell whether it is available here')
    .option('--no-check', 'only list them; do not load any backend')
    .action(list);
}
