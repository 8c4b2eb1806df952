/**
 * Validation against the official nbformat 4.5 JSON schema (vendored in ../nbformat with
 * its licence). The report checks every notebook before writing it, so a notebook that
 * GitHub or Jupyter would refuse never lands in notebooks/.
 */
import { readFileSync } from 'node:fs';
import ajvDraft04 from 'ajv-draft-04';
import type { ValidateFunction } from 'ajv';

let validator: ValidateFunction | undefined;

// A CommonJS module: under NodeNext its default import is module.exports, whose .default is the class.
const Ajv = ajvDraft04.default;

function compile(): ValidateFunction {
  const schema = JSON.parse(readFileSync(new URL('../nbformat/nbformat.v4.5.schema.json', import.meta.url), 'utf8')) as object;
  // Not strict: the upstream schema carries keywords Ajv does not know (a misspelt
  // "item", and "source_hidden" beside "properties"); they constrain nothing either way.
  return new Ajv({ strict: false, allErrors: true }).compile(schema);
}

/** The schema's complaints about `notebook`, one line each; empty when it is valid. */
export function notebookProblems(notebook: unknown): string[] {
  validator ??= compile();
  const validate = validator;
  if (validate(notebook)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '(root)'} ${error.message ?? 'is invalid'}`);
}
