import { describe, expect, it } from 'vitest';
import { highlightTypeScript } from './highlight.js';

describe('highlightTypeScript', () => {
  it('colours every token of the first line, however long the cold grammar takes', async () => {
    // The first call compiles the grammar's regular expressions; with Shiki's default time
    // limit a busy machine gave up on this line after `const` and left the rest uncoloured.
    const html = await highlightTypeScript("const a: string = 'x';");
    const tokens = [...html.matchAll(/<span style="color:(#[0-9A-F]+)">([^<]*)<\/span>/gi)].map(([, colour, text]) => [text!.trim(), colour]);
    expect(tokens.filter(([text]) => text !== '').map(([text]) => text)).toEqual(['const', 'a', ':', 'string', '=', "'x'", ';']);
    expect(new Set(tokens.map(([, colour]) => colour)).size).toBeGreaterThanOrEqual(3);
  });

  it('escapes the code and keeps it whole', async () => {
    const code = 'const html = `<b>${a && b}</b>`; // 1 < 2';
    const html = await highlightTypeScript(code);
    expect(html.startsWith('<pre class="shiki github-light"')).toBe(true);
    expect(html).not.toContain('<b>');
    const text = html.replace(/<[^>]+>/g, '').replace(/&#x3C;/g, '<').replace(/&#x26;/g, '&').replace(/&lt;/g, '<').replace(/&amp;/g, '&').replace(/&gt;/g, '>');
    expect(text).toBe(code);
  });
});
