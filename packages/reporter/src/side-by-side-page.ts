/**
 * notebooks/side-by-side.html: one static page with every framework family's code aligned
 * step by step (a row per step, a column per family), highlighted by Shiki, above it each
 * model's recorded results (the Markdown tables of results/README.md, rendered), and the two
 * charts, inlined, at the top. It loads nothing: no script, font, stylesheet or image file,
 * so it reads the same opened from disk without a network as served from anywhere.
 *
 * It sits next to the notebooks and side-by-side.md, whose job it shares, so that its links
 * to the notebooks and model sources are the same relative links.
 */
import { Marked } from 'marked';
import type { Analysis, BackendRuns, ModelAnalysis } from './analysis.js';
import type { Chart } from './charts.js';
import { accuracyText, seconds } from './format.js';
import { highlight } from './highlight.js';
import { escapeHtml } from './html.js';
import type { FrameworkFamily } from './families.js';
import type { SideBySideModel } from './side-by-side.js';
import { STEPS } from './steps.js';
import { NOTES, renderTables } from './table.js';

export interface SideBySidePageInput {
  readonly models: readonly SideBySideModel[];
  readonly analysis: Analysis;
  readonly charts: readonly Chart[];
  /** Relative to the page: results/README.md and the Markdown version of this page. */
  readonly resultsLink: string;
  readonly markdownLink: string;
}

// Raw HTML in the Markdown can only come from a results file's free text (a failure
// reason, a deviation): shown as text, never interpreted.
const markdown = new Marked({ gfm: true, renderer: { html: ({ text }) => escapeHtml(text) } });

function markdownToHtml(text: string): string {
  return markdown.parse(text, { async: false });
}

/** One model's tables, configuration and accuracy check, exactly as results/README.md has them. */
function resultsHtml(analysis: Analysis, model: ModelAnalysis): string {
  const text = renderTables({ ...analysis, models: [model] }, 2);
  // renderTables ends with the notes on the columns; the page shows them once, at the end.
  return markdownToHtml(text.endsWith(NOTES) ? text.slice(0, -NOTES.length) : text);
}

function runsOf(model: ModelAnalysis | undefined): BackendRuns[] {
  if (!model) return [];
  return [...model.groups.flatMap((group) => group.runs), ...model.unavailable].sort((a, b) => a.framework.localeCompare(b.framework));
}

/**
 * Each backend that ran a column's code, with its accuracy and time, right above the code;
 * with the machine label when the results come from several machines.
 */
function runsList(runs: readonly BackendRuns[], withLabels: boolean): string {
  if (runs.length === 0) return '<p class="runs">no recorded run</p>';
  const items = runs.map((run) => {
    // Several runs: the mean accuracy and the time's score, as in the results tables.
    const what = run.status === 'ok' ? `${accuracyText(run.accuracy)} · ${seconds(run.trainSeconds?.score)}${run.runs.length > 1 ? ` (${run.runs.length} runs)` : ''}` : run.status;
    const label = withLabels ? ` <span class="label">${escapeHtml(run.label)}</span>` : '';
    return `<li class="${run.status === 'ok' ? 'ok' : 'not-ok'}"><b>${escapeHtml(run.framework)}</b>${label} ${escapeHtml(what)}</li>`;
  });
  return `<ul class="runs" aria-label="recorded runs: test accuracy · training time">${items.join('')}</ul>`;
}

async function codeCell(code: string, family: FrameworkFamily): Promise<string> {
  return `<td data-family="${escapeHtml(family.id)}">${await highlight(code, family.language)}</td>`;
}

async function modelSection(model: SideBySideModel, all: Analysis): Promise<string> {
  const { columns } = model;
  const analysis = all.models.find((m) => m.model === model.model);
  const runs = runsOf(analysis);
  const withLabels = new Set(runs.map((run) => run.label)).size > 1;
  const header = columns.map(({ family, source, sourceLink, notebookLink }) =>
    [
      `<th scope="col" data-family="${escapeHtml(family.id)}">`,
      `<a class="family" href="${escapeHtml(sourceLink)}">${escapeHtml(family.title)}</a>`,
      `<div class="files"><code>${escapeHtml(source.file)}</code> · <a href="${escapeHtml(notebookLink)}">notebook</a></div>`,
      runsList(runs.filter((run) => family.runs(run.framework)), withLabels),
      '</th>',
    ].join(''),
  );
  const rows: string[] = [];
  if (columns.some(({ source }) => source.preamble !== '')) {
    const cells = await Promise.all(
      columns.map(async ({ family, source }) =>
        source.preamble === ''
          ? `<td data-family="${escapeHtml(family.id)}"><p class="none">none</p></td>`
          : `<td data-family="${escapeHtml(family.id)}"><details><summary>${source.preamble.split('\n').length} lines</summary>${await highlight(source.preamble, family.language)}</details></td>`,
      ),
    );
    rows.push(`<tr data-step="imports"><th scope="row">File comment and imports</th>${cells.join('')}</tr>`);
  }
  for (const [index, step] of STEPS.entries()) {
    const cells = await Promise.all(columns.map(({ family, source }) => codeCell(source.steps.get(step.name)!, family)));
    rows.push(`<tr data-step="${escapeHtml(step.name)}"><th scope="row"><span class="number">${index + 1}</span> ${escapeHtml(step.title)}</th>${cells.join('')}</tr>`);
  }
  return [
    `<section class="model" id="${model.model}">`,
    analysis ? `<div class="results">${resultsHtml(all, analysis)}</div>` : `<h2>${escapeHtml(model.title)}</h2>`,
    `<h3>The code, step by step</h3>`,
    `<table class="steps"><colgroup><col class="step">${columns.map(() => '<col>').join('')}</colgroup>`,
    `<thead><tr><th scope="col">step</th>${header.join('')}</tr></thead>`,
    `<tbody>${rows.join('\n')}</tbody>`,
    '</table>',
    '</section>',
  ].join('\n');
}

const STYLE = `
:root { --border: #d0d7de; --muted: #59636e; --soft: #f6f8fa; --accent: #0969da; }
* { box-sizing: border-box; }
body { margin: 0; color: #1f2328; background: #fff; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "Liberation Sans", "DejaVu Sans", sans-serif; }
header, main, footer { padding: 0 24px; }
header { border-bottom: 1px solid var(--border); background: var(--soft); padding-bottom: 8px; }
h1 { font-size: 26px; margin: 0; padding-top: 16px; }
h2 { font-size: 22px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--border); }
h3 { font-size: 17px; margin: 20px 0 8px; }
a { color: var(--accent); }
header p { margin: 6px 0; max-width: 75rem; color: var(--muted); }
nav a { margin-right: 16px; font-weight: 600; }
code, pre, kbd { font-family: ui-monospace, SFMono-Regular, "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace; }
.warning { border: 1px solid #d1242f; background: #ffebe9; padding: 8px 12px; border-radius: 6px; }
/* Side by side, both scaled down a little where they do not quite fit; stacked on narrow screens. */
.charts { display: flex; gap: 24px; align-items: flex-start; }
.charts figure { margin: 0; flex: 1 1 auto; min-width: 0; }
.charts svg { display: block; width: 100%; height: auto; }
@media (max-width: 1100px) { .charts { flex-direction: column; } }
.results p { max-width: 75rem; }
.results table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
.results th, .results td { border: 1px solid var(--border); padding: 3px 8px; vertical-align: top; }
.results thead th { background: var(--soft); }
.results td:last-child { max-width: 32rem; font-size: 12px; color: var(--muted); }
table.steps { width: 100%; table-layout: fixed; border-collapse: separate; border-spacing: 0; }
table.steps col.step { width: 9rem; }
table.steps thead th { position: sticky; top: 0; z-index: 1; background: #fff; text-align: left; vertical-align: top; padding: 8px 12px 8px 0; border-bottom: 2px solid #1f2328; font-weight: normal; }
table.steps thead th:first-child { font-weight: 600; }
table.steps .family { font-size: 18px; font-weight: 700; text-decoration: none; }
table.steps .files { font-size: 12px; color: var(--muted); }
table.steps tbody th { text-align: left; vertical-align: top; padding: 12px 12px 12px 0; font-size: 15px; border-top: 1px solid var(--border); }
table.steps tbody td { vertical-align: top; padding: 10px 12px 10px 0; border-top: 1px solid var(--border); }
table.steps .number { display: inline-block; min-width: 1.6em; height: 1.6em; line-height: 1.6em; text-align: center; border-radius: 50%; background: #1f2328; color: #fff; font-size: 12px; margin-right: 4px; }
.runs { list-style: none; margin: 6px 0 0; padding: 0; font-size: 12.5px; display: flex; flex-wrap: wrap; gap: 4px 8px; }
.runs li { border: 1px solid var(--border); border-radius: 12px; padding: 0 8px; background: var(--soft); }
.runs li.not-ok { color: var(--muted); border-style: dashed; }
.runs .label { color: var(--muted); font-size: 11.5px; }
pre.shiki { margin: 0; padding: 8px 10px; border: 1px solid var(--border); border-radius: 6px; font-size: 12px; line-height: 1.45; white-space: pre-wrap; overflow-wrap: break-word; }
/* A line too long for its column wraps with a hanging indent, so that it does not read as two lines. */
pre.shiki .line { display: inline-block; width: 100%; padding-left: 4ch; text-indent: -4ch; }
details summary { cursor: pointer; color: var(--muted); font-size: 13px; margin-bottom: 4px; }
.none { color: var(--muted); margin: 0; }
footer { margin: 32px 0 24px; color: var(--muted); font-size: 13px; }
`;

export async function renderSideBySidePage(input: SideBySidePageInput): Promise<string> {
  const { models, analysis, charts, resultsLink, markdownLink } = input;
  const sections = [];
  for (const model of models) sections.push(await modelSection(model, analysis));
  const warning =
    analysis.disagreements.length > 0
      ? `<div class="warning"><strong>Accuracy check failed:</strong><ul>${analysis.disagreements.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul></div>`
      : '';
  const nav = ['<a href="#charts">At a glance</a>', ...models.map(({ model, title }) => `<a href="#${model}">${escapeHtml(title.split(':')[0]!)}</a>`), '<a href="#notes">How to read the numbers</a>'];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="rosetta report">
<title>Rosetta: the same model in every framework, side by side</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>Rosetta: the same model in every framework, side by side</h1>
<p>Each model's code, cut at its <code>// #region</code> step markers, one column per framework and one row per step, so that the same step of every framework reads across. The charts first, then for each model what every backend recorded with <code>rosetta train</code>, above its code. Generated by <code>rosetta report</code> from the model sources and the results files; do not edit it. Also as <a href="${escapeHtml(markdownLink)}">Markdown</a>; all results: <a href="${escapeHtml(resultsLink)}">results</a>.</p>
<nav>${nav.join('')}</nav>
</header>
<main>
${warning}
<section id="charts">
<h2>At a glance</h2>
<div class="charts">${charts.map((chart) => `<figure aria-label="${escapeHtml(chart.title)}">${chart.svg}</figure>`).join('\n')}</div>
</section>
${sections.join('\n')}
<section id="notes">
<h2>How to read the numbers</h2>
${markdownToHtml(NOTES)}
</section>
</main>
<footer>Generated by <code>rosetta report</code>. Highlighting by Shiki, charts by Vega-Lite; the page loads no script, font or file.</footer>
</body>
</html>
`;
}
