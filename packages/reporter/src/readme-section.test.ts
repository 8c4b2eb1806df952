import { describe, expect, it } from 'vitest';
import { hasSection, ReadmeSectionError, replaceSection, SECTION_END, SECTION_START } from './readme-section.js';
import { README_TEXT } from './testing/fixtures.js';

function outside(text: string): [string, string] {
  return [text.slice(0, text.indexOf(SECTION_START)), text.slice(text.indexOf(SECTION_END))];
}

describe('replaceSection', () => {
  it('replaces only the text between the markers', () => {
    const updated = replaceSection(README_TEXT, '| new | table |', 'README.md');
    expect(outside(updated)).toEqual(outside(README_TEXT));
    expect(updated).toContain(`${SECTION_START}\n| new | table |\n${SECTION_END}`);
    expect(updated).not.toContain('old generated text');
    expect(replaceSection(updated, '| new | table |', 'README.md')).toBe(updated);
  });

  it('fails naming the README when a marker is missing, repeated or reversed', () => {
    expect(() => replaceSection('# no markers\n', 'x', '/repo/README.md')).toThrow(ReadmeSectionError);
    expect(() => replaceSection('# no markers\n', 'x', '/repo/README.md')).toThrow(/^\/repo\/README\.md: expected the marker <!-- results:start --> exactly once, found it 0 times/);
    expect(() => replaceSection(`${README_TEXT}${SECTION_END}\n`, 'x', 'README.md')).toThrow(/README\.md: expected the marker <!-- results:end --> exactly once, found it 2 times/);
    expect(() => replaceSection(`${SECTION_END}\n${SECTION_START}\n`, 'x', 'README.md')).toThrow(/README\.md: <!-- results:end --> comes before/);
  });
});

describe('the optional frameworks section', () => {
  it('is generated from the catalogue where the README has its markers, and only there', async () => {
    const { FRAMEWORKS } = await import('@rosetta/harness');
    const { renderFrameworksTable } = await import('./frameworks-table.js');
    const readme = `${README_TEXT}\n<!-- frameworks:start -->\nold\n<!-- frameworks:end -->\n`;
    expect(hasSection(readme, 'frameworks')).toBe(true);
    expect(hasSection(README_TEXT, 'frameworks')).toBe(false);
    const table = renderFrameworksTable(FRAMEWORKS);
    const updated = replaceSection(readme, table, 'README.md', 'frameworks');
    expect(updated).not.toContain('\nold\n');
    for (const f of FRAMEWORKS) expect(updated).toContain(`| \`${f.name}\` | ${f.description} |`);
    expect(updated).toContain('| `onnxruntime-cuda` |');
    expect(updated).toMatch(/\| `npx rosetta setup onnxruntime-cuda`, then `npx rosetta doctor onnxruntime-cuda` \|/);
    expect(updated).toMatch(/\| `tfjs-cpu` .* \| `train-reference` only \|/);
    expect(() => replaceSection(README_TEXT, table, 'README.md', 'frameworks')).toThrow(/expected the marker <!-- frameworks:start --> exactly once, found it 0 times/);
  });
});
