/** Building blocks of the generated notebooks: nbformat 4.5 cells and their text. */
import type { ICodeCell, IMarkdownCell, MultilineString } from '@jupyterlab/nbformat';

/** Jupyter stores text as lines that keep their newline, except the last. */
export function lines(text: string): string[] {
  return text.split(/(?<=\n)/);
}

/** Joins a cell's source back into one string (the inverse of `lines`). */
export function joinSource(source: MultilineString): string {
  return Array.isArray(source) ? source.join('') : source;
}

/** A cell id from free text: nbformat allows [a-zA-Z0-9-_], 64 characters at most. */
export function cellId(text: string): string {
  return text.replace(/[^a-zA-Z0-9_-]+/g, '-').slice(0, 64);
}

export function markdownCell(id: string, text: string): IMarkdownCell {
  return { id, cell_type: 'markdown', metadata: {}, source: lines(text) };
}

/** A code cell as generated: not executed yet, no outputs (executing the notebook fills them in). */
export function codeCell(id: string, text: string): ICodeCell {
  return { id, cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source: lines(text) };
}
