/** Streaming MD5/SHA-256 digests: the canonical CIFAR-10 file publishes MD5, everything else SHA-256. */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export type ChecksumAlgorithm = 'sha256' | 'md5';

/** A published checksum a file must match. */
export interface Checksum {
  readonly algorithm: ChecksumAlgorithm;
  /** Lower-case hex. */
  readonly hex: string;
}

/** SHA-256 always (results record it), plus the expected checksum's algorithm if different. */
export class Digests {
  private readonly sha256: Hash = createHash('sha256');
  private readonly md5: Hash | undefined;

  constructor(expected?: Checksum) {
    this.md5 = expected?.algorithm === 'md5' ? createHash('md5') : undefined;
  }

  update(chunk: Uint8Array): void {
    this.sha256.update(chunk);
    this.md5?.update(chunk);
  }

  /** Hex digests; call once, after the last chunk. */
  finish(): FileDigests {
    return { sha256: this.sha256.digest('hex'), ...(this.md5 && { md5: this.md5.digest('hex') }) };
  }
}

export interface FileDigests {
  readonly sha256: string;
  readonly md5?: string;
}

export function matches(expected: Checksum, digests: FileDigests): boolean {
  return digests[expected.algorithm] === expected.hex.toLowerCase();
}

/** "sha256 abc..." for messages. */
export function describeChecksum(expected: Checksum): string {
  return `${expected.algorithm} ${expected.hex}`;
}

/** Reads a file in 1 MiB chunks, yielding each chunk after feeding it to `digests`. */
export async function* hashedChunks(path: string, digests: Digests): AsyncGenerator<Uint8Array> {
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    digests.update(chunk as Buffer);
    yield chunk as Buffer;
  }
}

export async function hashFile(path: string, expected?: Checksum): Promise<FileDigests> {
  const digests = new Digests(expected);
  for await (const _chunk of hashedChunks(path, digests));
  return digests.finish();
}
