import { describe, expect, it } from 'vitest';
import { analyse } from './analysis.js';
import { renderCharts } from './charts.js';
import { FAMILIES } from './families.js';
import type { SideBySideModel } from './side-by-side.js';
import { renderSideBySidePage } from './side-by-side-page.js';
import { extractSteps, STEPS } from './steps.js';
import { NOTES } from './table.js';
import { AGREEING_RUNS, fixtureResult, fixtureSets, fixtureSource } from './testing/fixtures.js';

async function page(edit: (source: string) => string = (source) => source, runs = AGREEING_RUNS.map(fixtureResult)) {
  const analysis = analyse(fixtureSets(runs));
  const models: SideBySideModel[] = (['cnn', 'rnn'] as const).map((model) => ({
    model,
    title: model === 'cnn' ? 'CNN: VGG-style on CIFAR-10' : 'RNN: GRU on IMDB',
    columns: FAMILIES.map((family) => ({
      family,
      source: extractSteps(edit(fixtureSource(family.id, model)), family.sources[model]),
      sourceLink: `../${family.sources[model]}`,
      notebookLink: `${family.id}.${model}.ipynb`,
    })),
  }));
  return renderSideBySidePage({ models, analysis, charts: await renderCharts(analysis), resultsLink: '../results/README.md', markdownLink: 'side-by-side.md' });
}

describe('renderSideBySidePage', () => {
  it('loads nothing: no script, stylesheet, font, image or frame from anywhere', async () => {
    const html = await page();
    expect(html).not.toMatch(/<script|<link|<img|<iframe|<object|<embed|@import|@font-face|url\(/i);
    // Every link is relative (a notebook or a source next to the page), none to a server.
    const links = [...html.matchAll(/\s(?:href|src)="([^"]*)"/g)].map(([, url]) => url!);
    expect(links.length).toBeGreaterThan(0);
    for (const url of links) expect(url).not.toMatch(/^[a-z]+:|^\/\//i);
  });

  it('has a row per step with one highlighted cell per framework, in step order', async () => {
    const html = await page();
    for (const model of ['cnn', 'rnn']) {
      const section = html.slice(html.indexOf(`<section class="model" id="${model}">`), html.indexOf('</section>', html.indexOf(`id="${model}"`)));
      const rows = [...section.matchAll(/<tr data-step="([^"]+)">([^]*?)<\/tr>/g)];
      expect(rows.map(([, step]) => step)).toEqual(['imports', ...STEPS.map((step) => step.name)]);
      for (const [, , row] of rows) {
        expect([...row!.matchAll(/<td data-family="([^"]+)">/g)].map(([, family]) => family)).toEqual(FAMILIES.map((family) => family.id));
        expect(row!.match(/<pre class="shiki/g)).toHaveLength(FAMILIES.length);
      }
    }
    expect(html).toMatch(/<span style="color:#D73A49">\s*const<\/span>/);
  });

  it('shows the code escaped, whatever it contains', async () => {
    const html = await page((source) => source.replace('console.log(step2);', 'console.log(`<script>alert(1)</script>` && step2);'));
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#x3C;script>alert(1)&#x3C;/script>');
  });

  it('puts each model\'s results table, the charts and the notes on the page, the notes once', async () => {
    const html = await page();
    // The numbers of the results table: tfjs-wasm's CNN accuracy and time, the check's tolerance.
    expect(html).toMatch(/<td[^>]*>30\.00 %<\/td>/);
    expect(html).toMatch(/<td[^>]*>120 s<\/td>/);
    expect(html).toContain('<strong>6.09 pp</strong>');
    expect(html).toContain('<li class="ok"><b>tfjs-wasm</b> 30.00 % · 120 s</li>');
    expect(html).toContain('<li class="not-ok"><b>onnxruntime-cuda</b> unavailable</li>');
    expect(html.match(/<svg /g)).toHaveLength(2);
    const note = 'is what shows that the backends compute the same training steps';
    expect(NOTES).toContain(note);
    expect(html.split(note)).toHaveLength(2);
  });

  it('shows text from a results file as text, not markup', async () => {
    const runs = AGREEING_RUNS.map(fixtureResult).map((run) => (run.status === 'unavailable' ? { ...run, reason: 'no <b>CUDA</b> here' } : run));
    const html = await page(undefined, runs);
    expect(html).not.toContain('<b>CUDA</b>');
    expect(html).toContain('no &lt;b&gt;CUDA&lt;/b&gt; here');
  });

  it('names the machine of each backend\'s run when the results come from several', async () => {
    const runs = AGREEING_RUNS.map(fixtureResult);
    expect(await page(undefined, runs)).not.toContain('<span class="label">');
    const html = await page(undefined, [...runs, fixtureResult({ framework: 'tfjs-wasm', model: 'cnn', label: 'nvidia-h200', accuracy: 0.31 })]);
    expect(html).toContain('<li class="ok"><b>tfjs-wasm</b> <span class="label">nvidia-h200</span> 31.00 % · 100 s</li>');
    expect(html).toContain('<li class="ok"><b>tfjs-wasm</b> <span class="label">fixture-cpu-2-cores</span> 30.00 % · 120 s</li>');
  });

  it('flags an accuracy disagreement at the top', async () => {
    const runs = AGREEING_RUNS.map((run) => fixtureResult(run.framework === 'tfjs-wasm' && run.model === 'cnn' ? { ...run, accuracy: 0.1 } : run));
    const html = await page(undefined, runs);
    expect(html).toMatch(/<div class="warning"><strong>Accuracy check failed:<\/strong><ul><li>cnn: tfjs-wasm test accuracy 10\.00 %/);
  });
});
