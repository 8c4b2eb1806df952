import { describe, expect, it } from 'vitest';
import { parseJson } from './json.js';

class CustomError extends Error {}

describe('parseJson', () => {
  it('parses, or fails naming the file, with the error class asked for', () => {
    expect(parseJson('{"a": [1]}', 'x.json')).toEqual({ a: [1] });
    expect(() => parseJson('{', 'x.json')).toThrow(/^x\.json: not valid JSON \(/);
    expect(() => parseJson('{', 'x.json', (message) => new CustomError(message))).toThrow(CustomError);
  });
});
