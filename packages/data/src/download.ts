/**
 * Streams a URL to disk: progress bar, checksum verified while the bytes arrive, written to
 * a temporary file beside the destination and renamed into place only when complete and
 * correct, so a cache never holds a partial or corrupt file under its final name.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import cliProgress from 'cli-progress';
import { temporaryPath } from './atomic.js';
import { Digests, describeChecksum, matches, type Checksum, type FileDigests } from './checksum.js';

export interface DownloadOptions {
  readonly url: string;
  readonly destination: string;
  readonly checksum: Checksum;
  /** Expected size; a response with fewer bytes (or fewer than its Content-Length) is truncated. */
  readonly bytes?: number;
  /** Show a progress bar on stderr. Default: only when stderr is a terminal. */
  readonly progress?: boolean;
  /** Tries before giving up on a truncated, corrupt or failed transfer. Default 2 (one retry). */
  readonly attempts?: number;
  /** Where retry notices go. Default: stderr. */
  readonly log?: (line: string) => void;
}

export class DownloadError extends Error {
  override readonly name = 'DownloadError';
  constructor(
    readonly url: string,
    message: string,
    /** False where trying again cannot help (404, other 4xx). */
    readonly retryable: boolean,
  ) {
    super(`${url}: ${message}`);
  }
}

export const logToStderr = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** Downloads `url` to `destination` (atomically) and returns the digests of the verified file. */
export async function download(options: DownloadOptions): Promise<FileDigests> {
  const attempts = options.attempts ?? 2;
  const log = options.log ?? logToStderr;
  for (let attempt = 1; ; attempt++) {
    try {
      return await downloadOnce(options);
    } catch (error) {
      if (!(error instanceof DownloadError) || !error.retryable || attempt >= attempts) {
        if (error instanceof DownloadError && attempt > 1) error.message += ` (after ${attempt} attempts)`;
        throw error;
      }
      log(`${error.message}; downloading again`);
    }
  }
}

async function downloadOnce({ url, destination, checksum, bytes, progress }: DownloadOptions): Promise<FileDigests> {
  let response: Response;
  try {
    response = await fetch(url, { redirect: 'follow' });
  } catch (error) {
    throw new DownloadError(url, `request failed: ${causeOf(error)}`, true);
  }
  if (!response.ok || response.body === null) {
    await response.body?.cancel();
    const what = response.status === 404 ? 'not found (HTTP 404)' : `HTTP ${response.status} ${response.statusText}`;
    throw new DownloadError(url, what, response.status >= 500 || response.status === 429);
  }
  const declared = Number.parseInt(response.headers.get('content-length') ?? '', 10);
  const expectedBytes = Number.isFinite(declared) ? declared : bytes;

  await mkdir(dirname(destination), { recursive: true });
  const temporary = temporaryPath(destination);
  const digests = new Digests(checksum);
  const bar = (progress ?? process.stderr.isTTY === true) ? startBar(url, expectedBytes) : undefined;
  let received = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      digests.update(chunk);
      received += chunk.length;
      bar?.update(received);
      done(null, chunk);
    },
  });
  const truncated = () => new DownloadError(url, `truncated download: received ${received} of ${expectedBytes} bytes`, true);
  try {
    try {
      await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), counter, createWriteStream(temporary));
    } catch (error) {
      if (expectedBytes !== undefined && received < expectedBytes) throw truncated();
      throw new DownloadError(url, `transfer failed after ${received} bytes: ${causeOf(error)}`, true);
    } finally {
      bar?.stop();
    }
    if (expectedBytes !== undefined && received < expectedBytes) throw truncated();
    const result = digests.finish();
    if (!matches(checksum, result)) {
      throw new DownloadError(url, `checksum mismatch: expected ${describeChecksum(checksum)}, got ${result[checksum.algorithm]}`, true);
    }
    await rename(temporary, destination);
    return result;
  } finally {
    await rm(temporary, { force: true });
  }
}

function startBar(url: string, total: number | undefined): cliProgress.SingleBar {
  const mib = (value: number) => (value / 2 ** 20).toFixed(1);
  const bar = new cliProgress.SingleBar({
    format: total === undefined ? `${url} {value} MiB` : `${url} [{bar}] {percentage}% {value}/{total} MiB`,
    formatValue: (value, _options, type) => (type === 'value' || type === 'total' ? mib(value) : String(value)),
    stream: process.stderr,
    noTTYOutput: true,
    hideCursor: false,
  });
  bar.start(total ?? 0, 0);
  return bar;
}

/** Node's fetch hides the socket error in `cause`. */
function causeOf(error: unknown): string {
  const err = error as Error & { cause?: Error };
  return err.cause?.message !== undefined ? `${err.message} (${err.cause.message})` : err.message;
}
