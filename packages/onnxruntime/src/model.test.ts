import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initialWeights, type InputFormat, type ModelName, type ModelOptions } from '@rosetta/harness';
import { randomBatch } from '@rosetta/harness/testing';
import * as ort from 'onnxruntime-node';
import { describe, expect, test } from 'vitest';
import { buildProgram } from './backend.js';
import { cpuModel, firstMismatch, train } from './testing/steps.js';

const BATCH = 2;
/** The unrolled GRU's sessions take seconds to build, more on a loaded machine. */
const SLOW = 300_000;
const input: InputFormat = { layout: 'NCHW', labels: 'sparse' };

function setup(model: ModelName, dropout = false) {
  const options: ModelOptions = { model, weights: initialWeights(model, 3), seed: 3, dropout, batchSize: BATCH };
  const batches = [0, 1, 2, 3, 4].map((i) => randomBatch(model, input, BATCH, `trainer-test/${model}/${i}`, i));
  return { program: buildProgram(options), batches };
}

/** A model of setup(model) after two steps, one per batch. */
async function trainedOnTwoBatches(model: ModelName) {
  const { program, batches } = setup(model);
  const trainer = await cpuModel(program);
  await train(trainer, batches.slice(0, 2));
  return { program, batches, trainer };
}

function argmaxRows(logits: Float32Array, classes: number): number[] {
  const rows = [];
  for (let i = 0; i < logits.length; i += classes) {
    const row = Array.from(logits.subarray(i, i + classes));
    rows.push(row.indexOf(Math.max(...row)));
  }
  return rows;
}

describe('OrtModel', () => {
  test.each(['cnn', 'rnn'] as const)('%s: K steps in one Loop run give the losses and weights of K single-step runs (dropout off)', async (model) => {
    const { program, batches } = setup(model);
    const single = await cpuModel(program, 1);
    const chunked = await cpuModel(program, 2);
    // Five batches: two full chunks of two, then one batch left over for the step graph.
    const singleLosses = await train(single, batches);
    const chunkedLosses = await train(chunked, batches);
    expect(chunkedLosses).toHaveLength(5);
    expect(firstMismatch(chunkedLosses, singleLosses, 0, 1e-6)).toBe(-1);
    const [chunkedState, singleState] = [await chunked.stateTensors(), await single.stateTensors()];
    for (const state of program.initialState()) {
      expect(firstMismatch(chunkedState.get(state.name)!.data, singleState.get(state.name)!.data, 1e-9, 1e-5), state.name).toBe(-1);
    }
    single.dispose();
    chunked.dispose();
  }, SLOW);

  test.each(['cnn', 'rnn'] as const)('%s: the exported inference model predicts what the trainer predicts', async (model) => {
    const { program, batches, trainer } = await trainedOnTwoBatches(model);
    const dir = await mkdtemp(join(tmpdir(), 'rosetta-export-'));
    try {
      const file = join(dir, `${model}.onnx`);
      await trainer.exportInferenceModel(file);
      const session = await ort.InferenceSession.create(file);
      expect(session.inputNames).toEqual(['x']);
      const batch = batches[4]!;
      const x = batch.kind === 'image' ? new ort.Tensor('float32', batch.x, batch.shape) : new ort.Tensor('int32', batch.x, batch.shape);
      const { logits } = await session.run({ x });
      const exported = logits!.data as Float32Array;
      const trained = await trainer.predict(batch);
      // Same numbers up to float32 summation order: with the weights as constants ORT may
      // pre-pack them for another convolution kernel (seen: 1.4e-8 apart on a logit of 5e-3).
      expect(firstMismatch(exported, trained, 1e-6, 1e-5)).toBe(-1);
      expect(argmaxRows(exported, program.classes)).toEqual(argmaxRows(trained, program.classes));
      await session.release();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    trainer.dispose();
  }, SLOW);

  test.each(['cnn', 'rnn'] as const)('%s: evaluate is mean(argmax(logits) == label) over the batch, at any batch size', async (model) => {
    const { program, batches, trainer } = await trainedOnTwoBatches(model);
    for (const batch of [batches[4]!, randomBatch(model, input, 1, `trainer-test/${model}/single`)]) {
      const predicted = argmaxRows(await trainer.predict(batch), program.classes);
      // Labels chosen from the predictions: right for the first sample, wrong for the others.
      const labels = Int32Array.from(predicted, (best, n) => (n === 0 ? best : (best + 1) % program.classes));
      expect(await trainer.evaluate({ ...batch, y: labels })).toBe(1 / batch.size);
    }
    trainer.dispose();
  }, SLOW);

  test('CNN dropout: a new mask every run when on, none when off', async () => {
    const lossesOfTwoRuns = async (dropout: boolean): Promise<number[]> => {
      const { program, batches } = setup('cnn', dropout);
      const session = await ort.InferenceSession.create(program.training(1));
      const batch = batches[0]!;
      const feeds: Record<string, ort.Tensor> = {
        x: new ort.Tensor('float32', batch.x as Float32Array, [1, ...batch.shape]),
        y: new ort.Tensor('int32', batch.y, [1, BATCH]),
      };
      for (const s of program.initialState()) feeds[s.name] = new ort.Tensor('float32', s.data, s.shape);
      // The same state and batch twice: only the dropout masks can differ.
      const losses = [];
      for (let run = 0; run < 2; run++) losses.push((await session.run(feeds))[program.names.loss]!.data[0] as number);
      await session.release();
      return losses;
    };
    const [on1, on2] = await lossesOfTwoRuns(true);
    expect(on1).not.toBe(on2);
    const [off1, off2] = await lossesOfTwoRuns(false);
    expect(off1).toBe(off2);
  });
});
