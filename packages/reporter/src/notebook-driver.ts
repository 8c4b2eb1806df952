/**
 * The cells of a notebook that are not cut from the model source: the set-up (the backend as
 * the CLI starts it, the run's settings) and the run itself (load the data, build the model
 * from the shared initial weights, train epoch by epoch, predict, evaluate), in the order of
 * the steps. They call the functions the model source's cells define, so that executing the
 * notebook runs the code it shows.
 *
 * The TypeScript families run through the harness's TrainableModel, which calls the model
 * file's steps (trainEpoch, predict, ...) and is the same for every backend; the PyTorch
 * family calls its model file's functions directly.
 */
import type { ModelName } from '@rosetta/harness';
import type { FrameworkFamily } from './families.js';
import type { StepName } from './steps.js';

/** The short run a notebook makes when it is executed. */
export interface NotebookRun {
  readonly seed: number;
  readonly epochs: number;
  /** Training samples per epoch: the first `limit` of the training split, shuffled. */
  readonly trainLimit: number;
  /** Test samples evaluated: the first `limit` of the test split. */
  readonly testLimit: number;
}

export interface DriverCells {
  readonly setup: string;
  /** The cells that run the steps, after the model source, in step order (the loss and optimiser come with the model). */
  readonly run: readonly { readonly step: StepName; readonly code: string }[];
}

const specName = (model: ModelName) => (model === 'cnn' ? 'CNN_SPEC' : 'RNN_SPEC');

function typescriptSetup(family: FrameworkFamily, model: ModelName, run: NotebookRun): string {
  const backend =
    family.id === 'tfjs'
      ? [
          "import { framework } from '@rosetta/tfjs-wasm';",
          '',
          '// TF.js on WebAssembly (threads and SIMD), started as `rosetta train --framework tfjs-wasm` starts it.',
          'const backend = await framework.load();',
          'const imageLayout = backend.input.layout;',
          'console.log(`${backend.info.framework}: ${backend.info.backend}`);',
        ]
      : [
          "import { cpuProvider } from '@rosetta/onnxruntime';",
          '',
          '// ONNX Runtime\'s CPU execution provider, as `rosetta train --framework onnxruntime-cpu` runs it.',
          'const provider = cpuProvider();',
          "const imageLayout = 'NCHW'; // ONNX Conv's",
          'console.log(`onnxruntime-cpu: ${provider.description}, ${provider.stepsPerRun} training steps per run`);',
        ];
  return [
    "import { batches, loadDataset } from '@rosetta/data';",
    "import { accuracyLine, epochLine, initialWeights, median, meanCrossEntropy, StepClock } from '@rosetta/harness';",
    ...backend,
    '',
    `// A short run: ${run.epochs} epoch(s) on the first ${run.trainLimit} training samples, the first ${run.testLimit} test samples.`,
    `const run = { model: '${model}', seed: ${run.seed}, epochs: ${run.epochs}, trainLimit: ${run.trainLimit}, testLimit: ${run.testLimit} } as const;`,
  ].join('\n');
}

function typescriptRun(family: FrameworkFamily, model: ModelName): DriverCells['run'] {
  const spec = specName(model);
  const create =
    family.id === 'tfjs'
      ? 'const model = await createModel(options, tf.getBackend());'
      : 'const model = await createModel(options, provider);';
  return [
    {
      step: 'load data',
      code: [
        `// The shared mirror's ${model === 'cnn' ? 'CIFAR-10' : 'IMDB'} (ROSETTA_DATASET_MIRROR), checked against its checksum, through the shared iterator.`,
        `const dataset = await loadDataset('${model === 'cnn' ? 'cifar10' : 'imdb'}');`,
        `const { batchSize } = ${spec};`,
        'const trainBatches = (epoch: number) => batches(dataset.train, { batchSize, seed: run.seed, epoch, shuffle: true, layout: imageLayout, limit: run.trainLimit });',
        'const testBatches = () => batches(dataset.test, { batchSize, seed: run.seed, epoch: 0, shuffle: false, layout: imageLayout, limit: run.testLimit });',
        'const firstTest = testBatches().next().value!;',
        "console.log(`${dataset.train.count} training and ${dataset.test.count} test samples; a batch: x [${firstTest.shape}], y [${firstTest.size}]`);",
      ].join('\n'),
    },
    {
      step: 'build model',
      code: [
        '// From the shared initial weights (`rosetta weights` writes the same ones); the loss of the',
        '// untrained model on the first test batch is the same number in every framework\'s notebook.',
        'const options = { model: run.model, weights: initialWeights(run.model, run.seed), seed: run.seed, dropout: true };',
        create,
        'const initialLoss = meanCrossEntropy(await model.predict(firstTest), firstTest.y);',
        'console.log(`loss of the initial weights on the first test batch: ${initialLoss.toFixed(6)}`);',
      ].join('\n'),
    },
    {
      step: 'train on mini-batches',
      code: [
        '// The model\'s trainEpoch is the one defined above; each epoch gets the shared iterator\'s batches.',
        'for (let epoch = 1; epoch <= run.epochs; epoch++) {',
        '  const losses: number[] = [];',
        '  // The runner\'s clock: a run of K steps (ONNX Runtime\'s Loop) reports K losses at once, its time spread over them.',
        '  const clock = new StepClock();',
        '  const start = performance.now();',
        '  await model.trainEpoch(trainBatches(epoch - 1), (stepLosses) => {',
        '    losses.push(...stepLosses);',
        '    clock.lap(stepLosses.length);',
        '  });',
        '  const seconds = (performance.now() - start) / 1000;',
        '  const meanLoss = losses.reduce((a, b) => a + b) / losses.length;',
        '  console.log(`step 1 loss ${losses[0]!.toFixed(4)}, step ${losses.length} loss ${losses.at(-1)!.toFixed(4)}`);',
        '  console.log(epochLine({ epoch, epochs: run.epochs, seconds, meanLoss, msPerStepMedian: median(clock.stepMilliseconds), samples: losses.length * batchSize }));',
        '}',
      ].join('\n'),
    },
    {
      step: 'predict',
      code: [
        `const logits = await model.predict(firstTest);`,
        `const classes = logits.length / firstTest.size;`,
        'const predicted = Array.from({ length: firstTest.size }, (_, i) => { const row = logits.subarray(i * classes, (i + 1) * classes); return row.indexOf(Math.max(...row)); });',
        "console.log(`first 10 test samples: predicted ${predicted.slice(0, 10).join(' ')}, labels ${Array.from(firstTest.y.slice(0, 10)).join(' ')}`);",
      ].join('\n'),
    },
    {
      step: 'evaluate',
      code: [
        'const evaluationStart = performance.now();',
        'let correct = 0;',
        'let seen = 0;',
        'for (const batch of testBatches()) {',
        '  correct += (await model.evaluate(batch)) * batch.size;',
        '  seen += batch.size;',
        '}',
        'console.log(accuracyLine(correct / seen, seen, (performance.now() - evaluationStart) / 1000));',
        'model.dispose();',
      ].join('\n'),
    },
  ];
}

function pythonSetup(model: ModelName, run: NotebookRun): string {
  return [
    'import subprocess',
    'import tempfile',
    'import time',
    '',
    `from common import batches, load_${model === 'cnn' ? 'cifar10' : 'imdb'}, load_weights`,
    '',
    `# A short run: ${run.epochs} epoch(s) on the first ${run.trainLimit} training samples, the first ${run.testLimit} test samples.`,
    `run = {"model": "${model}", "seed": ${run.seed}, "epochs": ${run.epochs}, "train_limit": ${run.trainLimit}, "test_limit": ${run.testLimit}}`,
    'torch.manual_seed(run["seed"])',
    'print(f"torch {torch.__version__}, intra-op threads: {torch.get_num_threads()}")',
  ].join('\n');
}

function pythonRun(model: ModelName): DriverCells['run'] {
  const spec = specName(model);
  return [
    {
      step: 'load data',
      code: [
        `# The shared mirror's ${model === 'cnn' ? 'CIFAR-10' : 'IMDB'} (ROSETTA_DATASET_MIRROR), read with numpy (common.py).`,
        `x_train, y_train, x_test, y_test = load_${model === 'cnn' ? 'cifar10' : 'imdb'}()`,
        `batch_size = ${spec}["batchSize"]`,
        'first_test = next(batches(x_test, y_test, batch_size))',
        'print(f"{len(x_train)} training and {len(x_test)} test samples; a batch: x {list(first_test[0].shape)}, y [{len(first_test[1])}]")',
      ].join('\n'),
    },
    {
      step: 'build model',
      code: [
        '# From the shared initial weights, written by `rosetta weights`; the loss of the untrained',
        '# model on the first test batch is the same number in every framework\'s notebook.',
        'weights_file = f"{tempfile.mkdtemp()}/{run[\'model\']}-{run[\'seed\']}.safetensors"',
        'subprocess.run(["npx", "rosetta", "weights", "--model", run["model"], "--seed", str(run["seed"]), "--out", weights_file], check=True, capture_output=True)',
        'model = set_weights(build_model(), load_weights(weights_file))',
        'initial_loss = loss(predict(model, first_test), torch.as_tensor(first_test[1])).item()',
        'print(f"loss of the initial weights on the first test batch: {initial_loss:.6f}")',
        'opt = optimizer(model)',
      ].join('\n'),
    },
    {
      step: 'train on mini-batches',
      code: [
        'for epoch in range(1, run["epochs"] + 1):',
        '    losses = []',
        '    start = time.perf_counter()',
        '    train_epoch(model, opt, batches(x_train, y_train, batch_size, run["seed"], epoch - 1, run["train_limit"]), losses.append)',
        '    seconds = time.perf_counter() - start',
        '    print(f"step 1 loss {losses[0]:.4f}, step {len(losses)} loss {losses[-1]:.4f}")',
        '    print(f"epoch {epoch}/{run[\'epochs\']}: {seconds:.1f} s, mean loss {sum(losses) / len(losses):.4f}, {len(losses) * batch_size / seconds:,.0f} samples/s")',
      ].join('\n'),
    },
    {
      step: 'predict',
      code: [
        'predicted = predict(model, first_test).argmax(1)',
        'print(f"first 10 test samples: predicted {\' \'.join(map(str, predicted[:10].tolist()))}, labels {\' \'.join(map(str, first_test[1][:10].tolist()))}")',
      ].join('\n'),
    },
    {
      step: 'evaluate',
      code: [
        'start = time.perf_counter()',
        'scores = [(accuracy(predict(model, batch), batch[1]).item(), len(batch[1])) for batch in batches(x_test, y_test, batch_size, limit=run["test_limit"])]',
        'seen = sum(n for _, n in scores)',
        'print(f"test accuracy {100 * sum(a * n for a, n in scores) / seen:.2f} % on {seen:,} samples ({time.perf_counter() - start:.1f} s)")',
      ].join('\n'),
    },
  ];
}

export function driverCells(family: FrameworkFamily, model: ModelName, run: NotebookRun): DriverCells {
  return family.language === 'python'
    ? { setup: pythonSetup(model, run), run: pythonRun(model) }
    : { setup: typescriptSetup(family, model, run), run: typescriptRun(family, model) };
}
