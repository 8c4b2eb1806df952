/**
 * Writers of the numpy formats the data package reads (`.npy` version 1.0 and `.npz`), for
 * fixtures: synthetic files in the exact canonical formats exercise the real reader paths.
 */
import { zipSync, type Zippable } from 'fflate';
import { NPY_MAGIC, type NpyNumericArray, type NpyNumericDescr } from '../npy.js';
import { pickleObjectArrayOfIntLists } from './pickle-writer.js';

/** What `writeNpy` accepts: a numeric typed array with its dtype, or int lists for an object array. */
export type NpyInput =
  | { readonly descr: NpyNumericDescr; readonly shape: readonly number[]; readonly data: NpyNumericArray }
  | { readonly descr: '|O'; readonly shape: readonly [number]; readonly data: readonly (readonly number[])[] };

/** A version 1.0 `.npy` file, header padded so the data starts 64-byte aligned (as numpy does). */
export function writeNpy(array: NpyInput): Uint8Array {
  const shape = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(', ')})`;
  const dict = `{'descr': '${array.descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const unpadded = 10 + dict.length + 1;
  const header = dict + ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const body = array.descr === '|O'
    ? pickleObjectArrayOfIntLists(array.data)
    : new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength);
  const out = new Uint8Array(10 + header.length + body.length);
  out.set(NPY_MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(body, 10 + header.length);
  return out;
}

/** Writes arrays as a compressed `.npz`, as `numpy.savez_compressed` does. */
export function writeNpz(arrays: Readonly<Record<string, NpyInput>>): Uint8Array {
  const members: Zippable = {};
  for (const [key, array] of Object.entries(arrays)) members[`${key}.npy`] = writeNpy(array);
  // A fixed timestamp keeps the archive reproducible for a given content.
  return zipSync(members, { level: 6, mtime: new Date('2020-01-01T00:00:00Z') });
}
