/**
 * The runner's Log on a console: lasting lines to stdout, the live step/ETA line to
 * stderr. A terminal rewrites the live line in place; a log file or CI gets it as a
 * plain line, rarely, so that it stays readable.
 */
import type { Log } from '@rosetta/harness';

export interface ConsoleLog extends Log {
  /** How often the live line may change. */
  readonly statusIntervalMs: number;
}

export function consoleLog(stdout: NodeJS.WriteStream = process.stdout, stderr: NodeJS.WriteStream = process.stderr): ConsoleLog {
  const live = stderr.isTTY === true;
  let showing = false;
  const clear = () => {
    if (showing) stderr.write('\r\x1b[2K');
    showing = false;
  };
  return {
    statusIntervalMs: live ? 500 : 30_000,
    info(line) {
      clear();
      stdout.write(`${line}\n`);
    },
    status(line) {
      if (!live) {
        stderr.write(`${line}\n`);
        return;
      }
      clear();
      // One character short of the width, so the line never wraps and \r can rewrite it.
      const width = stderr.columns > 0 ? stderr.columns : 80;
      stderr.write(line.slice(0, width - 1));
      showing = true;
    },
  };
}
