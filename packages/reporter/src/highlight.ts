/**
 * TypeScript and Python to highlighted HTML with Shiki (the TextMate grammars and theme VS
 * Code uses), in its fine-grained form: the core, two grammars, one theme and the JavaScript
 * regex engine (no WebAssembly to load), all from the npm package, so the report works offline.
 * Highlighting happens once, when the page is written; the page itself runs no script.
 */
import { createHighlighterCore, type HighlighterCore } from 'shiki/core';
import { createJavaScriptRegexEngine } from 'shiki/engine/javascript';
import python from 'shiki/langs/python.mjs';
import typescript from 'shiki/langs/typescript.mjs';
import githubLight from 'shiki/themes/github-light.mjs';

let highlighter: Promise<HighlighterCore> | undefined;

/** `code` as a `<pre class="shiki">` block with inline colours; every character escaped by Shiki. */
export async function highlight(code: string, language: 'typescript' | 'python'): Promise<string> {
  highlighter ??= createHighlighterCore({ themes: [githubLight], langs: [typescript, python], engine: createJavaScriptRegexEngine() });
  // No time limit: Shiki's default (500 ms a line) silently leaves the rest of a line
  // uncoloured when it runs out, which the first line on cold regexes does on a busy machine,
  // so the page would depend on the load of the machine that wrote it.
  return (await highlighter).codeToHtml(code, { lang: language, theme: 'github-light', tokenizeTimeLimit: 0 });
}
