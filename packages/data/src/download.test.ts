import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Checksum } from './checksum.js';
import { download, DownloadError } from './download.js';
import { body, serve, sequence, truncated, type Route, type TestServer } from './testing/http-server.js';

const good = randomBytes(200_000);
const corrupt = Buffer.from(good).fill(7, 1000, 1010);
const sha256: Checksum = { algorithm: 'sha256', hex: createHash('sha256').update(good).digest('hex') };
const md5: Checksum = { algorithm: 'md5', hex: createHash('md5').update(good).digest('hex') };

/** Sends part of the bytes with no Content-Length and ends the response normally. */
const shortWithoutLength = (bytes: Uint8Array, sent: number): Route => (response) => {
  response.writeHead(200, { 'content-type': 'application/octet-stream' });
  response.end(bytes.subarray(0, sent));
};

describe('download', () => {
  let dir: string;
  let server: TestServer | undefined;
  const log: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rosetta-download-'));
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    log.length = 0;
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const fetchFrom = async (route: Route, name: string, checksum = sha256, extra: { bytes?: number } = {}) => {
    server = await serve({ [`/${name}`]: route });
    const destination = join(dir, name);
    const url = `${server.url}/${name}`;
    return { url, destination, run: () => download({ url, destination, checksum, progress: false, log: (line) => log.push(line), ...extra }) };
  };
  const leftovers = () => readdirSync(dir).filter((f) => f.endsWith('.part'));

  it('streams a good file to its destination and verifies it', async () => {
    const { destination, run } = await fetchFrom(body(good), 'good.bin');
    const digests = await run();
    expect(digests.sha256).toBe(sha256.hex);
    expect(readFileSync(destination).equals(good)).toBe(true);
    expect(server!.hits.get('/good.bin')).toBe(1);
    expect(leftovers()).toEqual([]);
  });

  it('draws a progress bar on stderr when asked', async () => {
    const { url, destination } = await fetchFrom(body(good), 'progress.bin');
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      await download({ url, destination, checksum: sha256, progress: true, log: () => {} });
    } finally {
      spy.mockRestore();
    }
    expect(written.join('')).toContain(`${url} [========================================] 100% 0.2/0.2 MiB`);
  });

  it('verifies MD5 when that is the published checksum (the canonical CIFAR-10 file)', async () => {
    const { run } = await fetchFrom(body(good), 'md5.bin', md5);
    expect((await run()).md5).toBe(md5.hex);
  });

  it('fetches a corrupt download again and keeps the good second copy', async () => {
    const { url, destination, run } = await fetchFrom(sequence(body(corrupt), body(good)), 'flaky.bin');
    await run();
    expect(readFileSync(destination).equals(good)).toBe(true);
    expect(server!.hits.get('/flaky.bin')).toBe(2);
    expect(log).toEqual([`${url}: checksum mismatch: expected sha256 ${sha256.hex}, got ${createHash('sha256').update(corrupt).digest('hex')}; downloading again`]);
  });

  it('fails clearly when every copy is corrupt, leaving nothing behind', async () => {
    const { url, destination, run } = await fetchFrom(body(corrupt), 'corrupt.bin');
    await expect(run()).rejects.toThrow(`${url}: checksum mismatch: expected sha256 ${sha256.hex}`);
    await expect(run()).rejects.toThrow('(after 2 attempts)');
    expect(existsSync(destination)).toBe(false);
    expect(leftovers()).toEqual([]);
  });

  it('detects a download cut short of its Content-Length, names the URL and retries', async () => {
    const { url, destination, run } = await fetchFrom(sequence(truncated(good, 50_000), body(good)), 'cut.bin');
    await run();
    expect(readFileSync(destination).equals(good)).toBe(true);
    // How much arrived before the drop depends on socket timing; that it is short of 200000 does not.
    expect(log).toHaveLength(1);
    expect(log[0]).toMatch(new RegExp(`^${url}: truncated download: received \\d+ of 200000 bytes; downloading again$`));
  });

  it('fails with the truncation when the server always cuts the file short', async () => {
    const { url, destination, run } = await fetchFrom(truncated(good, 50_000), 'always-cut.bin');
    await expect(run()).rejects.toThrow(new RegExp(`^${url}: truncated download: received \\d+ of 200000 bytes \\(after 2 attempts\\)$`));
    expect(existsSync(destination)).toBe(false);
  });

  it('detects a short file against the expected size when the server sends no Content-Length', async () => {
    const { url, run } = await fetchFrom(shortWithoutLength(good, 1234), 'nolength.bin', sha256, { bytes: good.length });
    await expect(run()).rejects.toThrow(`${url}: truncated download: received 1234 of 200000 bytes`);
  });

  it('reports a missing file (404) with its URL, without retrying', async () => {
    server = await serve({});
    const url = `${server.url}/nowhere.bin`;
    const attempt = download({ url, destination: join(dir, 'nowhere.bin'), checksum: sha256, progress: false, log: (l) => log.push(l) });
    await expect(attempt).rejects.toThrow(new DownloadError(url, 'not found (HTTP 404)', false).message);
    expect(server.hits.get('/nowhere.bin')).toBe(1);
  });

  it('reports a server that cannot be reached', async () => {
    server = await serve({});
    const url = `${server.url}/gone.bin`;
    await server.close();
    server = undefined;
    await expect(download({ url, destination: join(dir, 'gone.bin'), checksum: sha256, progress: false, log: (l) => log.push(l) }))
      .rejects.toThrow(`${url}: request failed`);
  });
});
