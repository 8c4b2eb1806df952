import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './atomic.js';
import { fetchDataset, formatVerification, loadDataset, verifyDatasets } from './load.js';
import type { Manifest } from './manifest.js';
import { writeNpz } from './testing/numpy-writer.js';
import { locateDataset } from './source.js';
import { SYNTHETIC_CIFAR_FILE, SYNTHETIC_IMDB_FILE, writeSyntheticMirror } from './testing/synthetic-mirror.js';
import { body, serve, type Route, type TestServer } from './testing/http-server.js';
import { sharedDatasetsDir } from './testing/shared-datasets.js';
import { findWorkspaceRoot } from './workspace.js';

const quiet = { progress: false, log: () => {} } as const;

describe('datasets from a synthetic mirror', () => {
  let dir: string;
  let mirror: string;
  let manifest: Manifest;
  let server: TestServer;
  /** Per-path overrides, consulted before the mirror's own files. */
  const overrides = new Map<string, Route>();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rosetta-load-'));
    mirror = join(dir, 'mirror');
    manifest = await writeSyntheticMirror(mirror, { seed: 3, cifarTrain: 70, cifarTest: 20, imdbTrain: 90, imdbTest: 30 });
    const files: Record<string, Route> = {};
    for (const file of ['manifest.json', SYNTHETIC_CIFAR_FILE, SYNTHETIC_IMDB_FILE]) {
      const path = `/mirror/${file}`;
      const good = body(readFileSync(join(mirror, file)));
      files[path] = (response, hit, request) => (overrides.get(path) ?? good)(response, hit, request);
    }
    server = await serve(files);
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a directory mirror in place: counts, checksum and provenance from its manifest', async () => {
    const cache = join(dir, 'unused-cache');
    const cifar = await loadDataset('cifar10', { mirror, cacheDir: cache, ...quiet });
    expect([cifar.train.count, cifar.test.count]).toEqual([70, 20]);
    expect(cifar.info).toEqual({
      name: 'cifar10', source: join(mirror, SYNTHETIC_CIFAR_FILE), sha256: manifest.datasets.cifar10!.sha256,
      format: 'cifar10-binary-tar-gz', subset: false, synthetic: true,
    });
    const imdb = await loadDataset('imdb', { mirror, cacheDir: cache, ...quiet });
    expect([imdb.train.count, imdb.test.count]).toEqual([90, 30]);
    expect(imdb.info.format).toBe('keras-imdb-loaded');
    expect(existsSync(cache)).toBe(false);
  });

  it('downloads from a URL mirror into the cache, then uses the cached copy', async () => {
    const cache = join(dir, 'url-cache');
    const url = `${server.url}/mirror`;
    const imdb = await loadDataset('imdb', { mirror: url, cacheDir: cache, ...quiet });
    expect(imdb.info.source).toBe(`${url}/${SYNTHETIC_IMDB_FILE}`);
    expect(imdb.info.sha256).toBe(manifest.datasets.imdb!.sha256);
    const { path } = await locateDataset('imdb', { mirror: url, cacheDir: cache });
    expect(path.startsWith(join(cache, 'mirrors'))).toBe(true);
    expect(existsSync(path)).toBe(true);
    const hits = server.hits.get(`/mirror/${SYNTHETIC_IMDB_FILE}`);
    await loadDataset('imdb', { mirror: url, cacheDir: cache, ...quiet });
    expect(server.hits.get(`/mirror/${SYNTHETIC_IMDB_FILE}`)).toBe(hits);
  });

  it('fetches a cached file again when it fails its checksum', async () => {
    const cache = join(dir, 'corrupt-cache');
    const url = `${server.url}/mirror`;
    const { path } = await fetchDataset('cifar10', { mirror: url, cacheDir: cache, ...quiet });
    const before = server.hits.get(`/mirror/${SYNTHETIC_CIFAR_FILE}`)!;
    await writeFile(path, 'not the archive any more');
    const lines: string[] = [];
    const cifar = await loadDataset('cifar10', { mirror: url, cacheDir: cache, progress: false, log: (l) => lines.push(l) });
    expect(cifar.train.count).toBe(70);
    expect(server.hits.get(`/mirror/${SYNTHETIC_CIFAR_FILE}`)).toBe(before + 1);
    expect(lines[0]).toContain(`${path}: checksum mismatch: expected sha256 ${manifest.datasets.cifar10!.sha256}`);
    expect(readdirSync(join(path, '..')).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('verify reports a corrupt cached file without downloading; fetch repairs it', async () => {
    const cache = join(dir, 'verify-cache');
    const url = `${server.url}/mirror`;
    const { path } = await fetchDataset('imdb', { mirror: url, cacheDir: cache, ...quiet });
    await writeFile(path, 'damaged');
    const hits = server.hits.get(`/mirror/${SYNTHETIC_IMDB_FILE}`);
    const [, verified] = await verifyDatasets({ mirror: url, cacheDir: cache, ...quiet });
    expect(verified).toMatchObject({ name: 'imdb', status: 'failed', checksumOk: false });
    expect(verified!.problem).toContain(`${path}: checksum mismatch`);
    expect(server.hits.get(`/mirror/${SYNTHETIC_IMDB_FILE}`)).toBe(hits);
    const fetched = await verifyDatasets({ mirror: url, cacheDir: cache, download: true, ...quiet });
    expect(fetched.map((r) => [r.name, r.status, r.train, r.test])).toEqual([['cifar10', 'ok', 70, 20], ['imdb', 'ok', 90, 30]]);
  });

  it('fails, naming the URL, when the mirror keeps serving a corrupt file', async () => {
    const cache = join(dir, 'bad-cache');
    const path = `/mirror/${SYNTHETIC_IMDB_FILE}`;
    overrides.set(path, body(Buffer.from('corrupt bytes')));
    try {
      await expect(loadDataset('imdb', { mirror: `${server.url}/mirror`, cacheDir: cache, ...quiet }))
        .rejects.toThrow(`${server.url}${path}: checksum mismatch`);
    } finally {
      overrides.delete(path);
    }
  });

  it('reports a file missing from a URL mirror (404) with its URL', async () => {
    const path = `/mirror/${SYNTHETIC_IMDB_FILE}`;
    overrides.set(path, (response) => response.writeHead(404).end());
    try {
      await expect(loadDataset('imdb', { mirror: `${server.url}/mirror`, cacheDir: join(dir, 'missing-cache'), ...quiet }))
        .rejects.toThrow(`${server.url}${path}: not found (HTTP 404)`);
    } finally {
      overrides.delete(path);
    }
  });

  it('rejects a mirror file that fails its checksum, naming it, without touching it', async () => {
    const copy = join(dir, 'tampered');
    await cp(mirror, copy, { recursive: true });
    await writeFile(join(copy, SYNTHETIC_IMDB_FILE), 'tampered');
    await expect(loadDataset('imdb', { mirror: copy, ...quiet })).rejects.toThrow(`${join(copy, SYNTHETIC_IMDB_FILE)}: checksum mismatch`);
    const [, imdb] = await verifyDatasets({ mirror: copy, ...quiet });
    expect(imdb).toMatchObject({ name: 'imdb', status: 'failed', checksumOk: false });
    expect(readFileSync(join(copy, SYNTHETIC_IMDB_FILE), 'utf8')).toBe('tampered');
  });

  it('rejects counts that disagree with the manifest', async () => {
    const copy = join(dir, 'miscounted');
    await cp(mirror, copy, { recursive: true });
    const wrong = structuredClone(manifest) as { datasets: Record<string, { train?: number }> };
    wrong.datasets.cifar10!.train = 71;
    await writeFile(join(copy, 'manifest.json'), JSON.stringify(wrong));
    await expect(loadDataset('cifar10', { mirror: copy, ...quiet })).rejects.toThrow('70 train samples, but the manifest says 71');
  });

  it('rejects a manifest whose file escapes the mirror', async () => {
    const copy = join(dir, 'escape');
    await cp(mirror, copy, { recursive: true });
    const evil = structuredClone(manifest) as { datasets: Record<string, { file: string }> };
    evil.datasets.imdb!.file = '../../etc/passwd';
    await writeFile(join(copy, 'manifest.json'), JSON.stringify(evil));
    await expect(loadDataset('imdb', { mirror: copy, ...quiet })).rejects.toThrow('"file" must be a relative path inside the mirror');
  });

  it('reports a URL mirror without a manifest.json (404) with its URL', async () => {
    await expect(loadDataset('imdb', { mirror: `${server.url}/elsewhere`, cacheDir: join(dir, 'no-manifest'), ...quiet }))
      .rejects.toThrow(`${server.url}/elsewhere/manifest.json: not found (HTTP 404)`);
  });

  it('processes a keras-imdb-raw file named by a mirror manifest', async () => {
    const raw = join(dir, 'raw-mirror');
    const npz = writeNpz({
      x_train: { descr: '|O', shape: [3], data: [[10, 20], [7], [30_000]] },
      y_train: { descr: '<i8', shape: [3], data: BigInt64Array.of(1n, 1n, 0n) },
      x_test: { descr: '|O', shape: [1], data: [[5]] },
      y_test: { descr: '<i8', shape: [1], data: BigInt64Array.of(1n) },
    });
    await writeFileAtomic(join(raw, 'imdb.npz'), npz);
    const sha256 = createHash('sha256').update(npz).digest('hex');
    await writeFile(join(raw, 'manifest.json'), JSON.stringify({ datasets: { imdb: { file: 'imdb.npz', format: 'keras-imdb-raw', sha256, train: 3, test: 1 } } }));
    const imdb = await loadDataset('imdb', { mirror: raw, ...quiet });
    // numpy 2.4.6: RandomState(113).shuffle(np.arange(3)) gives [2, 0, 1].
    expect([...imdb.train.tokens.subarray(0, 3)]).toEqual([1, 2, 0]);
    expect([...imdb.train.tokens.subarray(150, 153)]).toEqual([1, 13, 23]);
    expect([...imdb.train.tokens.subarray(300, 303)]).toEqual([1, 10, 0]);
    expect([...imdb.train.labels]).toEqual([0, 1, 1]);
    expect(imdb.info).toMatchObject({ format: 'keras-imdb-raw', sha256, subset: false });
  });

  it('verify reports missing canonical files without using the network', async () => {
    const reports = await verifyDatasets({ mirror: '', cacheDir: join(dir, 'empty-cache'), ...quiet });
    expect(reports.map((r) => [r.name, r.status, r.source])).toEqual([
      ['cifar10', 'missing', 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz'],
      ['imdb', 'missing', 'https://storage.googleapis.com/tensorflow/tf-keras-datasets/imdb.npz'],
    ]);
  });
});

describe('the shared real subsets', () => {
  const shared = sharedDatasetsDir();

  it('verify reports 42,000 / 1,017 images and 5,000 / 1,000 reviews with good checksums', async () => {
    const reports = await verifyDatasets({ mirror: shared, ...quiet });
    expect(reports.map((r) => [r.name, r.status, r.checksumOk, r.train, r.test])).toEqual([
      ['cifar10', 'ok', true, 42_000, 1_017],
      ['imdb', 'ok', true, 5_000, 1_000],
    ]);
    const text = formatVerification(reports);
    expect(text).toContain('train  42,000');
    expect(text).toContain('sha256 59476c48bda9ed828a00dda74351eb5afb9590e64095ea6d05689258d9d54970 ok');
  });

  it('decodes the known first images (train 0 a frog, test 0 a cat)', async () => {
    const cifar = await loadDataset('cifar10', { mirror: shared, ...quiet });
    expect(cifar.train.labels[0]).toBe(6);
    expect([...cifar.train.pixels.subarray(0, 6)]).toEqual([59, 43, 50, 68, 98, 119]);
    expect(cifar.test.labels[0]).toBe(3);
    expect([...cifar.test.pixels.subarray(0, 4)]).toEqual([158, 159, 165, 166]);
    expect(cifar.info.subset).toBe(true);
  });

  it('finds a relative mirror path from the workspace root, as Nx targets run inside a package', async () => {
    const fromRoot = relative(findWorkspaceRoot(), shared);
    const file = await locateDataset('imdb', { mirror: fromRoot });
    expect(file.path).toBe(join(shared, 'imdb', 'imdb_loaded_num_words_500.npz'));
  });
});
