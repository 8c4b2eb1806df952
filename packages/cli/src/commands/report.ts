/**
 * `rosetta report`: the results table, the accuracy check, the charts, the notebooks and
 * the side-by-side page, all regenerated from the results files and the model sources.
 */
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { findWorkspaceRoot } from '@rosetta/data';

interface ReportCommandOptions {
  results?: string;
  notebooks?: string;
  /** A path, or false after --no-readme. */
  readme?: string | false;
}

async function report(options: ReportCommandOptions): Promise<void> {
  // Loaded on demand: Vega and the schema validator are not worth loading for `rosetta train`.
  const { runReport } = await import('@rosetta/reporter');
  const root = findWorkspaceRoot();
  const outcome = await runReport({
    workspaceRoot: root,
    resultsDir: resolve(options.results ?? join(root, 'results')),
    notebooksDir: resolve(options.notebooks ?? join(root, 'notebooks')),
    readme: options.readme === false ? null : resolve(options.readme ?? join(root, 'README.md')),
    log: (line) => console.log(line),
  });
  if (outcome.disagreements.length > 0) {
    for (const line of outcome.disagreements) console.error(`rosetta report: accuracy check failed: ${line}`);
    process.exitCode = 1;
  }
}

export function reportCommand(): Command {
  return new Command('report')
    .description(
      'Read and validate every results file, check that the backends\' test accuracies agree, and write ' +
        'results/README.md, the SVG charts, the notebooks, the side-by-side page and the README\'s results section. ' +
        'Exits 1 on a malformed results file (named), a README without its markers, a model source without its ' +
        'step markers, or a backend whose accuracy disagrees with the others (named; the tables are still written).',
    )
    .addOption(new Option('--results <dir>', 'results directory to read; the table and charts are written there too').default(undefined, 'results/ of the workspace'))
    .addOption(new Option('--notebooks <dir>', 'where the notebooks and the side-by-side page go').default(undefined, 'notebooks/ of the workspace'))
    .addOption(new Option('--readme <file>', 'README whose <!-- results:start --> ... <!-- results:end --> section is rewritten').default(undefined, 'README.md of the workspace'))
    .option('--no-readme', 'leave every README alone')
    .action(report);
}
