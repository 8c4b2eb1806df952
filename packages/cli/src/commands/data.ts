/** `rosetta data fetch|verify`: the dataset files, their checksums and their sample counts. */
import { Command } from 'commander';
import { formatVerification, verifyDatasets, type DataOptions } from '@rosetta/data';

interface DataCommandOptions {
  mirror?: string;
  cache?: string;
}

async function check(options: DataCommandOptions, download: boolean): Promise<void> {
  const dataOptions: DataOptions = {
    ...(options.mirror === undefined ? {} : { mirror: options.mirror }),
    ...(options.cache === undefined ? {} : { cacheDir: options.cache }),
  };
  const reports = await verifyDatasets({ ...dataOptions, download });
  console.log(formatVerification(reports));
  if (reports.some((report) => report.status !== 'ok')) process.exitCode = 1;
}

function withSourceOptions(command: Command): Command {
  return command
    .option('--mirror <dir|url>', 'mirror holding a manifest.json (default: $ROSETTA_DATASET_MIRROR, else the canonical URLs)')
    .option('--cache <dir>', 'dataset cache directory (default: $ROSETTA_DATASETS_DIR, else datasets/ of the workspace)');
}

export function dataCommand(): Command {
  const data = new Command('data').description('Obtain and check the CIFAR-10 and IMDB files');
  data.addCommand(
    withSourceOptions(new Command('fetch'))
      .description('Download whatever is missing or fails its checksum, then verify both datasets (exit 1 unless both are ok)')
      .action((options: DataCommandOptions) => check(options, true)),
  );
  data.addCommand(
    withSourceOptions(new Command('verify'))
      .description('Check the cached or mirrored files without downloading: checksum, parse, sample counts (exit 1 unless both are ok)')
      .action((options: DataCommandOptions) => check(options, false)),
  );
  return data;
}
