/**
 * `rosetta setup <framework>`: installs what `npm install` cannot (the GPU backends'
 * native libraries, which their packages download from outside the npm registry), then
 * checks that what they need resolves.
 */
import { Command } from 'commander';
import { frameworkRegistry, FRAMEWORKS } from '@rosetta/harness';

async function setup(name: string, options: { from?: string }): Promise<void> {
  const entry = (await frameworkRegistry()).get(name);
  if (!entry) throw new Error(`unknown framework "${name}"; frameworks with a setup step: ${FRAMEWORKS.filter((f) => f.setup).map((f) => f.name).join(', ')}`);
  const framework = await entry.resolve();
  if (framework.setup === undefined) {
    console.log(`${name} needs nothing beyond \`npm install\`${entry.entry ? ` (${entry.entry.needs})` : ''}`);
    return;
  }
  try {
    await framework.setup({ ...(options.from === undefined ? {} : { from: options.from }), log: (line) => console.log(line) });
  } catch (error) {
    if ((error as Error).name !== 'SetupError') throw error;
    console.error(`rosetta setup ${name}: ${(error as Error).message}`);
    process.exitCode = 1;
    return;
  }
  console.log(`next: npx rosetta doctor ${name}`);
}

export function setupCommand(): Command {
  return new Command('setup')
    .description(
      'Install what a framework needs beyond `npm install`. onnxruntime-cuda: ONNX Runtime\'s CUDA provider libraries, with ' +
        'onnxruntime-node\'s own installer (its CUDA 12 flag; needs network access to NuGet), or offline --from a directory or ' +
        'archive holding them. tfjs-node-gpu: libtensorflow 2.9.1 --from the official archive or its folder (its online download ' +
        'answers HTTP 403 since August 2026, TF.js issue #8742), then the package\'s own build of its native addon. Then checks ' +
        'that the CUDA and cuDNN libraries they need resolve, naming any that do not (exit 1).',
    )
    .argument('<framework>', `one of: ${FRAMEWORKS.filter((f) => f.setup).map((f) => f.name).join(', ')}`)
    .option('--from <dir|archive>', 'offline: a directory or archive holding the files to install (onnxruntime-cuda: .tgz, .tar.gz, .tar, .zip, .nupkg; tfjs-node-gpu: .tar.gz, .tgz, .tar)')
    .action(setup);
}
