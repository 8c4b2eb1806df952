/**
 * CIFAR-10 "binary version": a tar.gz of `cifar-10-batches-bin/*.bin`, each file a plain
 * run of 3,073-byte records (1 label byte, then 1,024 red, 1,024 green, 1,024 blue bytes,
 * each plane row by row). The files carry no record count, so it is file size / 3073.
 * https://www.cs.toronto.edu/~kriz/cifar.html
 */
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Parser, type ReadEntry } from 'tar';
import { CNN_SPEC } from '@rosetta/spec';
import type { ImageSplit } from './dataset.js';

const { channels, imageSize, classes } = CNN_SPEC;
/** The image of a record: channel-major planes of imageSize x imageSize bytes. */
export const CIFAR_IMAGE_BYTES = channels * imageSize * imageSize;
/** One label byte, then the image. */
export const CIFAR_RECORD_BYTES = 1 + CIFAR_IMAGE_BYTES;

const TRAIN_MEMBER = /^data_batch_(\d+)\.bin$/;
const TEST_MEMBER = 'test_batch.bin';

export class CifarFormatError extends Error {
  override readonly name = 'CifarFormatError';
}

/** One `.bin` member's bytes. */
export interface CifarBatchFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** Splits record files (concatenated in the given order) into pixel planes and labels. */
export function parseCifarRecords(files: readonly CifarBatchFile[]): ImageSplit {
  let count = 0;
  for (const { name, bytes } of files) {
    if (bytes.length % CIFAR_RECORD_BYTES !== 0) {
      throw new CifarFormatError(`${name}: ${bytes.length} bytes is not a whole number of ${CIFAR_RECORD_BYTES}-byte records`);
    }
    count += bytes.length / CIFAR_RECORD_BYTES;
  }
  const pixels = new Uint8Array(count * CIFAR_IMAGE_BYTES);
  const labels = new Uint8Array(count);
  let image = 0;
  for (const { name, bytes } of files) {
    for (let at = 0; at < bytes.length; at += CIFAR_RECORD_BYTES, image++) {
      const label = bytes[at]!;
      if (label >= classes) {
        throw new CifarFormatError(`${name}: record ${at / CIFAR_RECORD_BYTES} has label ${label}, not 0..${classes - 1}`);
      }
      labels[image] = label;
      pixels.set(bytes.subarray(at + 1, at + CIFAR_RECORD_BYTES), image * CIFAR_IMAGE_BYTES);
    }
  }
  return { kind: 'image', count, channels, height: imageSize, width: imageSize, classes, pixels, labels };
}

/**
 * Reads the train (`data_batch_*.bin`, in numeric order) and test (`test_batch.bin`) splits
 * from a CIFAR-10 binary tar.gz stream. Other members (batches.meta.txt, readme.html) are
 * skipped. `archive` names the file in errors.
 */
export async function readCifarTarGz(input: Readable | AsyncIterable<Uint8Array>, archive: string): Promise<{ train: ImageSplit; test: ImageSplit }> {
  const train = new Map<number, CifarBatchFile>();
  let test: CifarBatchFile | undefined;
  let failure: Error | undefined;

  const parser = new Parser({
    strict: true,
    onReadEntry: (entry: ReadEntry) => {
      const base = posix.basename(entry.path);
      const trainMatch = TRAIN_MEMBER.exec(base);
      if (entry.type !== 'File' || (trainMatch === null && base !== TEST_MEMBER)) {
        entry.resume();
        return;
      }
      const name = `${archive}:${entry.path}`;
      if (entry.size % CIFAR_RECORD_BYTES !== 0) {
        failure ??= new CifarFormatError(`${name}: ${entry.size} bytes is not a whole number of ${CIFAR_RECORD_BYTES}-byte records`);
        entry.resume();
        return;
      }
      // Collect the member straight into one buffer of its declared size.
      const bytes = new Uint8Array(entry.size);
      let filled = 0;
      entry.on('data', (chunk: Buffer) => {
        bytes.set(chunk, filled);
        filled += chunk.length;
      });
      entry.on('end', () => {
        const file = { name, bytes };
        if (trainMatch !== null) train.set(Number(trainMatch[1]), file);
        else test = file;
      });
    },
  });
  try {
    // tar's Parser is a minipass stream: fed through Readable.pipe, which it supports.
    await pipeline(input instanceof Readable ? input : Readable.from(input), parser);
  } catch (error) {
    throw new CifarFormatError(`${archive}: not a readable tar.gz archive: ${(error as Error).message}`);
  }
  if (failure !== undefined) throw failure;
  if (train.size === 0) throw new CifarFormatError(`${archive}: no data_batch_*.bin members`);
  if (test === undefined) throw new CifarFormatError(`${archive}: no ${TEST_MEMBER} member`);
  const ordered = [...train.entries()].sort(([a], [b]) => a - b).map(([, file]) => file);
  return { train: parseCifarRecords(ordered), test: parseCifarRecords([test]) };
}
