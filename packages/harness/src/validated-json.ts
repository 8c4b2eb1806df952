/**
 * Files this package validates with a zod schema (results files, bench records): one way to
 * read them and to refuse writing them, with errors that name the file and every problem.
 */
import type { z } from 'zod';
import { parseJson } from '@rosetta/data';

type FileError = new (message: string) => Error;

/** Every problem of a failed validation, each at its path. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
}

/** `text` (the contents of `file`) as JSON that `schema` accepts; else an `Err` saying it is not `what`, and why. */
export function parseValidatedJson<T>(schema: z.ZodType<T>, text: string, file: string, what: string, Err: FileError): T {
  const parsed = schema.safeParse(parseJson(text, file, (message) => new Err(message)));
  if (!parsed.success) throw new Err(`${file}: not ${what}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** `value` as `schema` accepts it, about to be written; else an `Err` starting with `refusal`. */
export function validateForWriting<T>(schema: z.ZodType<T>, value: unknown, refusal: string, Err: FileError): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Err(`${refusal}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}
