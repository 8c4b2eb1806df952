/** JSON.parse whose error names the file it came from; `error` makes the caller's own error class. */
export function parseJson(text: string, file: string, error: (message: string) => Error = (message) => new Error(message)): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw error(`${file}: not valid JSON (${(cause as Error).message})`);
  }
}
