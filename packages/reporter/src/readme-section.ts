/**
 * The generated parts of the root README live between pairs of HTML comments, one pair per
 * section (`<!-- results:start -->` ... `<!-- results:end -->`); only those parts are ever
 * rewritten, so the hand-written text around them stays the authors'.
 */
import { readFile } from 'node:fs/promises';

export const SECTION_START = '<!-- results:start -->';
export const SECTION_END = '<!-- results:end -->';

function markers(section: string): [string, string] {
  return [`<!-- ${section}:start -->`, `<!-- ${section}:end -->`];
}

export class ReadmeSectionError extends Error {
  override readonly name = 'ReadmeSectionError';
}

function occurrences(text: string, marker: string): number {
  return text.split(marker).length - 1;
}

/** Returns `text` with the lines between a section's markers replaced by `content`; the markers stay. */
export function replaceSection(text: string, content: string, file: string, section = 'results'): string {
  const [first, last] = markers(section);
  for (const marker of [first, last]) {
    const count = occurrences(text, marker);
    if (count !== 1) {
      throw new ReadmeSectionError(
        `${file}: expected the marker ${marker} exactly once, found it ${count} times; ` +
          `the ${section} section must be delimited by ${first} and ${last}`,
      );
    }
  }
  const start = text.indexOf(first) + first.length;
  const end = text.indexOf(last);
  if (end < start) throw new ReadmeSectionError(`${file}: ${last} comes before ${first}`);
  return `${text.slice(0, start)}\n${content.trim()}\n${text.slice(end)}`;
}

/** Whether `text` has the start marker of an optional section. */
export function hasSection(text: string, section: string): boolean {
  return text.includes(markers(section)[0]);
}

/** Reads `file` and checks its markers, so a README without them fails before anything is written. */
export async function readMarkedReadme(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ReadmeSectionError(`${file}: cannot be read (${(error as Error).message}); the report writes its results section into it`);
  }
  replaceSection(text, '', file);
  return text;
}
