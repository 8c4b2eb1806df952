/**
 * The generated part of the root README lives between two HTML comments; only that part
 * is ever rewritten, so the hand-written text around it stays the authors'.
 */
import { readFile } from 'node:fs/promises';

export const SECTION_START = '<!-- results:start -->';
export const SECTION_END = '<!-- results:end -->';

export class ReadmeSectionError extends Error {
  override readonly name = 'ReadmeSectionError';
}

function occurrences(text: string, marker: string): number {
  return text.split(marker).length - 1;
}

/** Returns `text` with the lines between the markers replaced by `content`; the markers stay. */
export function replaceSection(text: string, content: string, file: string): string {
  for (const marker of [SECTION_START, SECTION_END]) {
    const count = occurrences(text, marker);
    if (count !== 1) {
      throw new ReadmeSectionError(
        `${file}: expected the marker ${marker} exactly once, found it ${count} times; ` +
          `the results section must be delimited by ${SECTION_START} and ${SECTION_END}`,
      );
    }
  }
  const start = text.indexOf(SECTION_START) + SECTION_START.length;
  const end = text.indexOf(SECTION_END);
  if (end < start) throw new ReadmeSectionError(`${file}: ${SECTION_END} comes before ${SECTION_START}`);
  return `${text.slice(0, start)}\n${content.trim()}\n${text.slice(end)}`;
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
