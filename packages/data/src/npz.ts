/** numpy `.npz`: a zip archive holding one `<key>.npy` per array (stored or deflated, zip64 allowed). */
import { unzipSync } from 'fflate';
import { parseNpy, NpyError, type NpyArray } from './npy.js';

/** Reads the named arrays of an `.npz`; a missing key or a malformed member is an error naming the file. */
export function readNpz<K extends string>(bytes: Uint8Array, file: string, keys: readonly K[]): Record<K, NpyArray> {
  let members: Record<string, Uint8Array>;
  try {
    const wanted = new Set(keys.map((k) => `${k}.npy`));
    members = unzipSync(bytes, { filter: (entry) => wanted.has(entry.name) });
  } catch (error) {
    throw new NpyError(`${file}: not a readable .npz (zip) archive: ${(error as Error).message}`);
  }
  const result = {} as Record<K, NpyArray>;
  for (const key of keys) {
    const member = members[`${key}.npy`];
    if (member === undefined) throw new NpyError(`${file}: no array '${key}' (member ${key}.npy) in the archive`);
    result[key] = parseNpy(member, `${file}:${key}.npy`);
  }
  return result;
}
