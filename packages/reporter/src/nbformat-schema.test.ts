import { describe, expect, it } from 'vitest';
import { notebookProblems } from './nbformat-schema.js';

const valid = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {},
  cells: [{ id: 'a', cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source: ['x = 1\n', 'x'] }],
};

describe('notebookProblems (nbformat 4.5 schema)', () => {
  it('accepts a minimal valid notebook', () => {
    expect(notebookProblems(valid)).toEqual([]);
  });

  it('rejects what Jupyter would reject: a code cell without outputs, a bad cell id, format 3', () => {
    const [cell] = valid.cells;
    const { outputs: _dropped, ...withoutOutputs } = cell!;
    expect(notebookProblems({ ...valid, cells: [withoutOutputs] }).join('\n')).toMatch(/outputs/);
    expect(notebookProblems({ ...valid, cells: [{ ...cell, id: 'has spaces' }] }).join('\n')).toMatch(/\/cells\/0/);
    expect(notebookProblems({ ...valid, nbformat: 3 }).join('\n')).toMatch(/\/nbformat must be >= 4/);
  });
});
