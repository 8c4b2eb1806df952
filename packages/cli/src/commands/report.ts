/**
 * `rosetta report`: the results tables, the accuracy check, the charts, the notebooks and
 * the side-by-side page, all regenerated from the results files and the model sources.
 * Several results directories (one per machine, e.g. CI artifacts) are merged into one report.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { findWorkspaceRoot, MIRROR_ENV } from '@rosetta/data';
import { DEFAULT_SEED } from '@rosetta/harness';
import { integer } from '../options.js';

interface ReportCommandOptions {
  results?: string[];
  out?: string;
  notebooks?: string;
  /** A path, or false after --no-readme. */
  readme?: string | false;
  /** False after --no-execute. */
  execute: boolean;
  python: string;
  notebookEpochs: number;
  notebookTrainLimit: number;
  notebookTestLimit: number;
}

async function report(options: ReportCommandOptions): Promise<void> {
  // Loaded on demand: Vega and the schema validator are not worth loading for `rosetta train`.
  const { nbclientExecutor, runReport } = await import('@rosetta/reporter');
  const root = findWorkspaceRoot();
  const outcome = await runReport({
    workspaceRoot: root,
    resultsDirs: (options.results ?? [join(root, 'results')]).map((dir) => resolve(dir)),
    ...(options.out === undefined ? {} : { outDir: resolve(options.out) }),
    notebooksDir: resolve(options.notebooks ?? join(root, 'notebooks')),
    readme: options.readme === false ? null : resolve(options.readme ?? join(root, 'README.md')),
    ...(options.execute && {
      notebooks: {
        run: { seed: DEFAULT_SEED, epochs: options.notebookEpochs, trainLimit: options.notebookTrainLimit, testLimit: options.notebookTestLimit },
        // The kernels start in the notebooks' folder: a relative mirror would point elsewhere.
        execute: nbclientExecutor({ python: options.python, cellTimeoutSeconds: 1800, env: mirrorEnv(root) }),
      },
    }),
    log: (line) => console.log(line),
  });
  if (outcome.disagreements.length > 0) {
    for (const line of outcome.disagreements) console.error(`rosetta report: accuracy check failed: ${line}`);
    process.exitCode = 1;
  }
}

function mirrorEnv(root: string): Record<string, string> {
  const mirror = process.env[MIRROR_ENV];
  if (mirror === undefined || mirror === '' || /^https?:/.test(mirror)) return {};
  return { [MIRROR_ENV]: existsSync(resolve(mirror)) ? resolve(mirror) : resolve(root, mirror) };
}

export function reportCommand(): Command {
  return new Command('report')
    .description(
      'Read and validate every results file (of several machines\' directories, merged), check that the backends\' ' +
        'test accuracies agree, and write results/README.md (an overview per model with a column per machine, a table per ' +
        'machine and configuration, the inference timings), the SVG charts, the side-by-side page, the README\'s ' +
        'results section and the notebooks, each executed top to bottom on a short run (nbclient). ' +
        'Exits 1 on a malformed results file (named), a README without its markers, a model source without its ' +
        'step markers, a notebook cell that fails (named; nothing is written), or a backend whose accuracy disagrees ' +
        'with the others (named; the tables are still written).',
    )
    .addOption(
      new Option(
        '--results <dir...>',
        'results directories to read, merged (repeat the option or list several: one per machine, e.g. CI artifacts); ' +
          'a run set found in two of them keeps its newer invocation, and the report says so',
      ).default(undefined, 'results/ of the workspace'),
    )
    .addOption(new Option('--out <dir>', 'where README.md with the tables and the charts are written').default(undefined, 'the first --results directory'))
    .addOption(new Option('--notebooks <dir>', 'where the notebooks and the side-by-side page go').default(undefined, 'notebooks/ of the workspace'))
    .addOption(new Option('--readme <file>', 'README whose <!-- results:start --> ... <!-- results:end --> section is rewritten').default(undefined, 'README.md of the workspace'))
    .option('--no-readme', 'leave every README alone')
    .option('--no-execute', 'leave the notebooks as they are, rather than regenerate and execute them')
    .option('--python <path>', 'the Python that executes the notebooks (nbclient, ipykernel; torch for PyTorch\'s)', '/usr/bin/python3')
    .option('--notebook-epochs <n>', 'epochs of each notebook\'s short run', integer, 1)
    .option('--notebook-train-limit <n>', 'training samples of each notebook\'s short run (the first n, shuffled)', integer, 1024)
    .option('--notebook-test-limit <n>', 'test samples each notebook evaluates (the first n)', integer, 1024)
    .action(report);
}
