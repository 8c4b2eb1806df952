import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCifarRecords, readCifarTarGz, type CifarBatchFile } from './cifar.js';
import { writeCifarTarGz } from './testing/synthetic-mirror.js';

/** Records whose label is `first + i` mod 10 and whose pixel bytes all equal that record's index. */
function records(first: number, count: number): Uint8Array {
  const bytes = new Uint8Array(count * 3073);
  for (let i = 0; i < count; i++) {
    bytes[i * 3073] = (first + i) % 10;
    bytes.fill((first + i) % 256, i * 3073 + 1, (i + 1) * 3073);
  }
  return bytes;
}

describe('parseCifarRecords', () => {
  it('splits records of any count per file into planes and labels, in file order', () => {
    const split = parseCifarRecords([{ name: 'a', bytes: records(0, 3) }, { name: 'b', bytes: records(3, 2) }]);
    expect(split.count).toBe(5);
    expect([...split.labels]).toEqual([0, 1, 2, 3, 4]);
    expect(split.pixels.length).toBe(5 * 3072);
    expect([...split.pixels.subarray(4 * 3072, 4 * 3072 + 3)]).toEqual([4, 4, 4]);
    expect(split.pixels[5 * 3072 - 1]).toBe(4);
  });

  it('keeps the red, green and blue planes as stored', () => {
    const bytes = new Uint8Array(3073);
    bytes[0] = 7;
    bytes.fill(10, 1, 1025);
    bytes.fill(20, 1025, 2049);
    bytes.fill(30, 2049, 3073);
    const split = parseCifarRecords([{ name: 'one', bytes }]);
    expect([split.pixels[0], split.pixels[1024], split.pixels[2048], split.labels[0]]).toEqual([10, 20, 30, 7]);
  });

  it('rejects a file that is not a whole number of records', () => {
    expect(() => parseCifarRecords([{ name: 'short.bin', bytes: new Uint8Array(3073 * 2 - 1) }])).toThrow('short.bin: 6145 bytes is not a whole number of 3073-byte records');
  });

  it('rejects a label outside 0..9', () => {
    const bytes = records(0, 2);
    bytes[3073] = 10;
    expect(() => parseCifarRecords([{ name: 'labels.bin', bytes }])).toThrow('labels.bin: record 1 has label 10');
  });
});

describe('readCifarTarGz', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rosetta-cifar-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const archive = async (name: string, members: CifarBatchFile[]) => {
    const path = join(dir, name);
    await writeCifarTarGz(path, members);
    return path;
  };

  it('reads data_batch_N in numeric order and test_batch, skipping other members', async () => {
    const path = await archive('ok.tar.gz', [
      { name: 'cifar-10-batches-bin/batches.meta.txt', bytes: Buffer.from('airplane\n') },
      { name: 'cifar-10-batches-bin/test_batch.bin', bytes: records(100, 2) },
      { name: 'cifar-10-batches-bin/data_batch_10.bin', bytes: records(5, 1) },
      { name: 'cifar-10-batches-bin/data_batch_2.bin', bytes: records(2, 3) },
      { name: 'cifar-10-batches-bin/data_batch_1.bin', bytes: records(0, 2) },
    ]);
    const { train, test } = await readCifarTarGz(createReadStream(path), path);
    expect(train.count).toBe(6);
    expect([...train.labels]).toEqual([0, 1, 2, 3, 4, 5]);
    expect(test.count).toBe(2);
    expect(test.pixels[0]).toBe(100);
  });

  it('names the archive and member of a bad record file', async () => {
    const path = await archive('bad.tar.gz', [
      { name: 'cifar-10-batches-bin/data_batch_1.bin', bytes: new Uint8Array(5000) },
      { name: 'cifar-10-batches-bin/test_batch.bin', bytes: records(0, 1) },
    ]);
    await expect(readCifarTarGz(createReadStream(path), path)).rejects.toThrow(`${path}:cifar-10-batches-bin/data_batch_1.bin: 5000 bytes`);
  });

  it('requires a test batch', async () => {
    const path = await archive('notest.tar.gz', [{ name: 'cifar-10-batches-bin/data_batch_1.bin', bytes: records(0, 1) }]);
    await expect(readCifarTarGz(createReadStream(path), path)).rejects.toThrow(`${path}: no test_batch.bin member`);
  });

  it('rejects a file that is not a tar.gz', async () => {
    const path = join(dir, 'text.tar.gz');
    await writeFile(path, 'this is not an archive at all, only text that goes on for a while '.repeat(20));
    await expect(readCifarTarGz(createReadStream(path), path)).rejects.toThrow(`${path}: not a readable tar.gz archive`);
  });
});
