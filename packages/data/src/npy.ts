/**
 * The numpy `.npy` format (versions 1, 2 and 3): magic, header length, a Python dict
 * literal `{'descr': ..., 'fortran_order': ..., 'shape': (...), }`, then the data.
 * https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 */
import { readPickle, type PickleValue } from './pickle.js';

export type NpyNumericArray =
  | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array
  | BigInt64Array | BigUint64Array | Float32Array | Float64Array;

export interface NpyArray {
  /** numpy dtype string, e.g. '<i8', '|u1', '<f4', '|O'. */
  readonly descr: string;
  readonly shape: readonly number[];
  readonly fortranOrder: boolean;
  /** Numeric data, or the items of an object array (read by the restricted pickle reader). */
  readonly data: NpyNumericArray | readonly PickleValue[];
}

type NumericCtor = { new (buffer: ArrayBuffer, offset: number, length: number): NpyNumericArray; BYTES_PER_ELEMENT: number };

/** Little-endian (or byte-order-free) dtypes this reader understands. */
const NUMERIC_DTYPES = {
  '|i1': Int8Array, '|u1': Uint8Array, '<i2': Int16Array, '<u2': Uint16Array,
  '<i4': Int32Array, '<u4': Uint32Array, '<i8': BigInt64Array, '<u8': BigUint64Array,
  '<f4': Float32Array, '<f8': Float64Array,
} as const satisfies Record<string, NumericCtor>;

export type NpyNumericDescr = keyof typeof NUMERIC_DTYPES;

export const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export class NpyError extends Error {
  override readonly name = 'NpyError';
}

export function parseNpy(bytes: Uint8Array, file: string): NpyArray {
  const fail = (what: string): never => {
    throw new NpyError(`${file}: ${what}`);
  };
  if (bytes.length < 10 || NPY_MAGIC.some((b, i) => bytes[i] !== b)) fail('not a .npy file (missing the \\x93NUMPY magic)');
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerStart: number;
  let headerLength: number;
  if (major === 1) {
    headerStart = 10;
    headerLength = view.getUint16(8, true);
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) fail('truncated .npy header');
    headerStart = 12;
    headerLength = view.getUint32(8, true);
  } else {
    return fail(`unsupported .npy format version ${major}.${bytes[7]}`);
  }
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) fail(`header claims ${headerLength} bytes but the file has ${bytes.length - headerStart}`);
  // Version 3 only differs by allowing UTF-8 in the header (field names of structured dtypes).
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart));
  const { descr, fortranOrder, shape } = parseHeader(header, fail);
  const size = shape.reduce((a, b) => a * b, 1);
  const body = bytes.subarray(dataStart);

  // numpy writes '|O'; numpy releases of the Python 2 era wrote '|O8' (64-bit pointers).
  if (/^\|O\d*$/.test(descr)) {
    const value = readPickle(body, file);
    if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array || value.kind !== 'ndarray') {
      return fail('object array payload is not a pickled numpy array');
    }
    const items = value.items;
    if (items === undefined) return fail('the pickled array never receives its data (no BUILD)');
    if (items.length !== size) fail(`header shape (${shape.join(', ')}) but the pickle holds ${items.length} items`);
    return { descr: '|O', shape, fortranOrder, data: items };
  }

  const Ctor: NumericCtor | undefined = Object.hasOwn(NUMERIC_DTYPES, descr) ? NUMERIC_DTYPES[descr as NpyNumericDescr] : undefined;
  if (Ctor === undefined) return fail(`unsupported dtype '${descr}' (supported: ${Object.keys(NUMERIC_DTYPES).join(' ')} |O)`);
  const byteLength = size * Ctor.BYTES_PER_ELEMENT;
  if (body.length !== byteLength) fail(`shape (${shape.join(', ')}) of '${descr}' needs ${byteLength} data bytes, found ${body.length}`);
  // Typed arrays need aligned offsets; copy only when the data is not aligned in its buffer.
  const aligned = body.byteOffset % Ctor.BYTES_PER_ELEMENT === 0 ? body : body.slice();
  return { descr, shape, fortranOrder, data: new Ctor(aligned.buffer as ArrayBuffer, aligned.byteOffset, size) };
}

function parseHeader(header: string, fail: (what: string) => never): { descr: string; fortranOrder: boolean; shape: number[] } {
  const descr = /'descr':\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!header.trimStart().startsWith('{') || descr === undefined || fortran === undefined || shapeText === undefined) {
    return fail(`bad .npy header ${JSON.stringify(header.trim())}: expected descr, fortran_order and shape`);
  }
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => {
    if (!/^\d+L?$/.test(s)) fail(`bad dimension '${s}' in .npy shape (${shapeText})`);
    return Number.parseInt(s, 10);
  });
  if (fortran === 'True' && shape.length > 1) fail('Fortran-order arrays are not supported');
  return { descr, fortranOrder: fortran === 'True', shape };
}
