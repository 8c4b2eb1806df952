import { describe, expect, it } from 'vitest';
import { highlight } from './highlight.js';

describe('highlight', () => {
  it('colours every token of the first line, however long the cold grammar takes', async () => {
    // The first call compiles the grammar's regular expressions; with Shiki's default time
    // limit a busy machine gave up on this line after `const` and left the rest uncoloured.
    const html = await highlight("const a: string = 'x';", 'typescript');
    const tokens = [...html.matchAll(/<span style="color:(#[0-9A-F]+)">([^<]*)<\/span>/gi)].map(([, colour, text]) => [text!.trim(), colour]);
    expect(tokens.filter(([text]) => text !== '').map(([text]) => text)).toEqual(['const', 'a', ':', 'string', '=', "'x'", ';']);
    expect(new Set(tokens.map(([, colour]) => colour)).size).toBeGreaterThanOrEqual(3);
  });

  it('escapes the code and keeps it whole', async () => {
    const code = 'const html = `<b>${a && b}</b>`; // 1 < 2';
    const html = await highlight(code, 'typescript');
    expect(html.startsWith('<pre class="shiki github-light"')).toBe(true);
    expect(html).not.toContain('<b>');
    const text = html.replace(/<[^>]+>/g, '').replace(/&#x3C;/g, '<').replace(/&#x26;/g, '&').replace(/&lt;/g, '<').replace(/&amp;/g, '&').replace(/&gt;/g, '>');
    expect(text).toBe(code);
  });

  it('colours Python as Python', async () => {
    const html = await highlight('def train_step(model, batch):\n    return model(batch)', 'python');
    const coloured = [...html.matchAll(/<span style="color:(#[0-9A-F]+)">([^<]*)<\/span>/gi)].map(([, colour, text]) => [text!.trim(), colour]);
    const keyword = coloured.find(([text]) => text === 'def')?.[1];
    const name = coloured.find(([text]) => text === 'train_step')?.[1];
    expect(keyword).toBeDefined();
    expect(name).toBeDefined();
    expect(keyword).not.toBe(name);
  });
});
