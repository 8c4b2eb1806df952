/**
 * Nx plugin: the `train` targets come from the framework catalogue
 * (packages/harness/frameworks.json), so that adding a framework there is all it takes to
 * put it in `npx nx run-many -t train`. Every package that hosts catalogue frameworks gets
 *
 *   train            rosetta train --framework <f> --model cnn,rnn --skip-software-adapter, for its
 *                    frameworks in the default run (a WebGPU framework whose only adapter is a
 *                    software rasteriser records `unavailable` instead of training for hours)
 *   train-reference  the same for the others (tfjs-cpu: far too slow for the default run)
 *
 * each with a `quick` configuration (`-c quick` adds `--preset quick`). Plain CommonJS:
 * Nx loads plugins before anything is built, so this file cannot be TypeScript.
 */
const { readFileSync } = require('node:fs');
const { dirname, join } = require('node:path');

const CATALOGUE = 'packages/harness/frameworks.json';

/**
 * What changes a result, beyond the package's own sources and its dependencies': the CLI
 * that runs it (presets included), the root configuration and lock file, the Node.js
 * version, the GPU and the native files `rosetta setup` installs, the data source and every
 * environment variable the runs read.
 */
const TRAIN_INPUTS = [
  'production',
  '^production',
  '{workspaceRoot}/packages/cli/src/**/*',
  '!{workspaceRoot}/packages/cli/src/**/*.test.ts',
  '{workspaceRoot}/packages/cli/bin/**/*',
  '{workspaceRoot}/package.json',
  '{workspaceRoot}/package-lock.json',
  '{workspaceRoot}/nx.json',
  '{workspaceRoot}/tsconfig.base.json',
  `{workspaceRoot}/${CATALOGUE}`,
  { runtime: 'node --version' },
  { runtime: 'nvidia-smi -L 2>/dev/null || echo no GPU' },
  // The Vulkan drivers installed: WebGPU adapters come from them (a GPU's, or Mesa's llvmpipe).
  { runtime: 'ls /usr/share/vulkan/icd.d /etc/vulkan/icd.d 2>/dev/null; true' },
  // What `rosetta setup` installs: a GPU backend that was unavailable trains after it.
  { runtime: 'ls node_modules/onnxruntime-node/bin/napi-v6/linux/x64 node_modules/@tensorflow/tfjs-node-gpu/lib node_modules/@tensorflow/tfjs-node-gpu/deps/lib 2>/dev/null; true' },
  // The mirror's manifest holds the checksums of the data files a run reads.
  { runtime: 'cat "${ROSETTA_DATASET_MIRROR:-/nonexistent}/manifest.json" 2>/dev/null || echo canonical datasets' },
  { env: 'ROSETTA_DATASET_MIRROR' },
  { env: 'ROSETTA_DATASETS_DIR' },
  { env: 'ROSETTA_FRAMEWORKS' },
  { env: 'ROSETTA_WASM_THREADS' },
];

function trainTarget(frameworks) {
  return {
    executor: 'nx:run-commands',
    options: {
      commands: frameworks.map((f) => `rosetta train --framework ${f.name} --model cnn,rnn --skip-software-adapter`),
      parallel: false,
    },
    configurations: { quick: { args: '--preset quick' } },
    // Run one training at a time, never beside another task: timings must not share the CPU.
    parallelism: false,
    cache: true,
    dependsOn: ['build', { projects: ['@rosetta/cli'], target: 'build' }],
    inputs: TRAIN_INPUTS,
    // Results are filed by machine label (results/<label>/), which is known only at run time.
    outputs: frameworks.map((f) => `{workspaceRoot}/results/**/${f.name}.*.json`),
    metadata: {
      description: `Train both models on ${frameworks.map((f) => f.name).join(' and ')} (results/<machine>/)`,
    },
  };
}

function loadCatalogue(workspaceRoot) {
  const file = join(workspaceRoot, CATALOGUE);
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${CATALOGUE}: cannot read the framework catalogue: ${error.message}`);
  }
}

module.exports = {
  name: 'rosetta-frameworks',
  createNodesV2: [
    'packages/*/package.json',
    (files, _options, context) => {
      const catalogue = loadCatalogue(context.workspaceRoot);
      return files.flatMap((file) => {
        const manifest = JSON.parse(readFileSync(join(context.workspaceRoot, file), 'utf8'));
        const hosted = catalogue.frameworks.filter((f) => f.package === manifest.name);
        if (hosted.length === 0) return [];
        const targets = {};
        const main = hosted.filter((f) => f.defaultRun);
        const reference = hosted.filter((f) => !f.defaultRun);
        if (main.length > 0) targets.train = trainTarget(main);
        if (reference.length > 0) targets['train-reference'] = trainTarget(reference);
        return [[file, { projects: { [dirname(file)]: { targets } } }]];
      });
    },
  ],
};
