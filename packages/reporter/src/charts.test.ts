import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { analyse } from './analysis.js';
import { sampleBenchRecord } from '@rosetta/harness/testing';
import { renderCharts, renderScalingChart } from './charts.js';
import { AGREEING_RUNS, fixtureResult, fixtureSets } from './testing/fixtures.js';

describe('renderCharts', () => {
  it('renders well-formed SVG naming every backend that ran', async () => {
    const charts = await renderCharts(analyse(fixtureSets(AGREEING_RUNS.map(fixtureResult))));
    expect(charts.map((chart) => chart.file)).toEqual(['training-time.svg', 'loss-per-epoch.svg']);
    for (const chart of charts) {
      expect(XMLValidator.validate(chart.svg)).toBe(true);
      const root = (new XMLParser({ ignoreAttributes: false }).parse(chart.svg) as { svg?: Record<string, string> }).svg;
      expect(root?.['@_xmlns']).toBe('http://www.w3.org/2000/svg');
      for (const framework of ['tfjs-cpu', 'tfjs-wasm', 'onnxruntime-cpu']) expect(chart.svg).toContain(`>${framework}<`);
      // Unavailable backends have no time and no loss to draw.
      expect(chart.svg).not.toContain('tfjs-node-gpu');
      expect(chart.svg).toContain('CNN: VGG-style on CIFAR-10');
      expect(chart.svg).toContain('2 epochs, 4,096 training samples');
    }
  });

  it('leaves runs on a software WebGPU adapter out of the training-time chart, and keeps their losses', async () => {
    const llvmpipe = { vendor: 'mesa', architecture: 'software', device: 'llvmpipe', description: 'llvmpipe (LLVM 15)', software: true };
    const results = [...AGREEING_RUNS.map(fixtureResult), fixtureResult({ framework: 'tfjs-webgpu', model: 'cnn', label: 'llvmpipe', adapter: llvmpipe })];
    const [time, loss] = await renderCharts(analyse(fixtureSets(results)));
    expect(time!.svg).not.toContain('tfjs-webgpu');
    expect(time!.svg).toContain('framework: tfjs-wasm on fixture-cpu-2-cores');
    expect(loss!.svg).toContain('tfjs-webgpu on llvmpipe');
  });

  it('draws a scaling bench: samples per second against batch size per backend, under the peak\'s ceiling', async () => {
    const record = sampleBenchRecord();
    const model = record.models[0]!;
    const row = model.rows[0]!;
    if (row.status !== 'ok') throw new Error('the sample\'s first row is ok');
    const scaled = [32, 64].map((batchSize) => ({ ...row, variant: { ...row.variant, label: `pytorch (batch ${batchSize})`, batchSize }, batchSize, msPerStepMedian: batchSize * 10 }));
    const scaling = { ...record, settings: { ...record.settings, batchSizes: [32, 64] }, models: [{ ...model, rows: scaled }] };
    const chart = await renderScalingChart(scaling, 'results/bench/x.scaling.svg');
    expect(XMLValidator.validate(chart!.svg)).toBe(true);
    expect(chart!.svg).toContain('>pytorch<');
    expect(chart!.svg).toContain('native code peak');
    expect(await renderScalingChart(record, 'unused.svg')).toBeNull();
  });
});
