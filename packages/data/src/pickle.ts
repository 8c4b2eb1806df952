/**
 * A restricted reader for the Python pickles inside Keras IMDB `.npy` files.
 *
 * numpy stores an object array (here: one Python list of ints per review) by pickling the
 * whole ndarray, and a pickle is a program for a stack machine that may import and call
 * any Python function. This reader never runs anything: it interprets the opcodes itself
 * and understands only what these files contain.
 *
 * What numpy really emits for a 1-d object array of int lists (checked with pickletools on
 * numpy 2.4 output and on /work/shared/datasets/imdb/imdb_loaded_num_words_500.npz):
 *
 *   numpy._core.multiarray._reconstruct(numpy.ndarray, (0,), b'b')      GLOBAL + REDUCE
 *   .__setstate__((1, shape, numpy.dtype('O8', False, True)             GLOBAL + REDUCE
 *                   .__setstate__((3, '|', None, None, None, -1, -1, 63)),  BUILD
 *                  False, [[1, 14, 22, ...], ...]))                      BUILD
 *
 * So GLOBAL/STACK_GLOBAL, REDUCE and BUILD cannot simply be refused. Instead they are
 * accepted only in exactly these shapes and turned into plain data descriptions:
 *   - imports: `numpy.core.multiarray._reconstruct` (numpy 1) or
 *     `numpy._core.multiarray._reconstruct` (numpy 2), `numpy.ndarray`, `numpy.dtype`,
 *     and `_codecs.encode`, which Python 3 uses for the `b'b'` bytes under protocol 2
 *     (numpy 1 wrote protocol 2 for years; the official Keras imdb.npz may be one);
 *   - calls: `_reconstruct(numpy.ndarray, tuple, bytes|str)` -> an empty array shell,
 *     `numpy.dtype('O8', bool, bool)` -> the object dtype (nothing else: numeric arrays are
 *     never pickled by np.save), `_codecs.encode(str, 'latin1')` -> bytes;
 *   - BUILD only on those shells, the array's state being (version, shape, dtype, fortran,
 *     list of items).
 * Every other import, call target or opcode (INST, OBJ, NEWOBJ, EXT*, PERSID, dicts, sets,
 * ...) is rejected with its name, byte offset and the file. Nothing is ever executed.
 */

/** A Python tuple as read from a pickle. */
export interface PickleTuple {
  readonly kind: 'tuple';
  readonly items: readonly PickleValue[];
}

/** A whitelisted import, kept as a name: it is never resolved to anything callable. */
export interface PickleGlobal {
  readonly kind: 'global';
  readonly name: AllowedGlobal;
}

/** `numpy.dtype('O8', ...)`: the only dtype an object-array pickle needs. */
export interface PickleObjectDtype {
  readonly kind: 'dtype';
  readonly descr: 'O8';
}

/** A numpy object ndarray rebuilt as plain data. */
export interface PickleNdarray {
  readonly kind: 'ndarray';
  /** Undefined until the BUILD opcode has given the array its state. */
  shape: readonly number[] | undefined;
  fortranOrder: boolean;
  items: readonly PickleValue[] | undefined;
}

export type PickleValue =
  | null
  | boolean
  | number
  | string
  | Uint8Array
  | PickleValue[]
  | PickleTuple
  | PickleGlobal
  | PickleObjectDtype
  | PickleNdarray;

type AllowedGlobal = 'reconstruct' | 'ndarray' | 'dtype' | 'codecs.encode';

const ALLOWED_GLOBALS: ReadonlyMap<string, AllowedGlobal> = new Map([
  ['numpy.core.multiarray._reconstruct', 'reconstruct'],
  ['numpy._core.multiarray._reconstruct', 'reconstruct'],
  ['numpy.ndarray', 'ndarray'],
  ['numpy.dtype', 'dtype'],
  ['_codecs.encode', 'codecs.encode'],
]);

/** Thrown for anything the restricted reader does not accept; names file, offset and opcode. */
export class PickleError extends Error {
  override readonly name = 'PickleError';
}

/** Opcode names, for the error messages of rejected opcodes (the whole pickle 0-5 set). */
const OPCODE_NAMES: Readonly<Record<number, string>> = {
  0x28: 'MARK', 0x2e: 'STOP', 0x30: 'POP', 0x31: 'POP_MARK', 0x32: 'DUP', 0x46: 'FLOAT',
  0x49: 'INT', 0x4a: 'BININT', 0x4b: 'BININT1', 0x4c: 'LONG', 0x4d: 'BININT2', 0x4e: 'NONE',
  0x50: 'PERSID', 0x51: 'BINPERSID', 0x52: 'REDUCE', 0x53: 'STRING', 0x54: 'BINSTRING',
  0x55: 'SHORT_BINSTRING', 0x56: 'UNICODE', 0x58: 'BINUNICODE', 0x61: 'APPEND', 0x62: 'BUILD',
  0x63: 'GLOBAL', 0x64: 'DICT', 0x7d: 'EMPTY_DICT', 0x65: 'APPENDS', 0x67: 'GET',
  0x68: 'BINGET', 0x69: 'INST', 0x6a: 'LONG_BINGET', 0x6c: 'LIST', 0x5d: 'EMPTY_LIST',
  0x6f: 'OBJ', 0x70: 'PUT', 0x71: 'BINPUT', 0x72: 'LONG_BINPUT', 0x73: 'SETITEM', 0x74: 'TUPLE',
  0x29: 'EMPTY_TUPLE', 0x75: 'SETITEMS', 0x47: 'BINFLOAT', 0x80: 'PROTO', 0x81: 'NEWOBJ',
  0x82: 'EXT1', 0x83: 'EXT2', 0x84: 'EXT4', 0x85: 'TUPLE1', 0x86: 'TUPLE2', 0x87: 'TUPLE3',
  0x88: 'NEWTRUE', 0x89: 'NEWFALSE', 0x8a: 'LONG1', 0x8b: 'LONG4', 0x42: 'BINBYTES',
  0x43: 'SHORT_BINBYTES', 0x8c: 'SHORT_BINUNICODE', 0x8d: 'BINUNICODE8', 0x8e: 'BINBYTES8',
  0x8f: 'EMPTY_SET', 0x90: 'ADDITEMS', 0x91: 'FROZENSET', 0x92: 'NEWOBJ_EX',
  0x93: 'STACK_GLOBAL', 0x94: 'MEMOIZE', 0x95: 'FRAME', 0x96: 'BYTEARRAY8',
  0x97: 'NEXT_BUFFER', 0x98: 'READONLY_BUFFER',
};

/** Marker object pushed by MARK; never part of a result. */
const MARK: unique symbol = Symbol('MARK');
type StackItem = PickleValue | typeof MARK;

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads one pickle (protocols 2 to 5) made of lists, tuples, ints, strings, bytes and the
 * numpy object-array constructs described above. `file` is only used in error messages.
 */
export function readPickle(bytes: Uint8Array, file: string): PickleValue {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: StackItem[] = [];
  const memo = new Map<number, PickleValue>();
  let pos = 0;
  let opStart = 0;
  let opName = '';

  const fail = (what: string): never => {
    throw new PickleError(`${file}: pickle opcode ${opName} at byte ${opStart}: ${what}`);
  };
  const need = (n: number): number => {
    if (pos + n > bytes.length) fail(`needs ${n} more bytes but the pickle ends at byte ${bytes.length}`);
    const at = pos;
    pos += n;
    return at;
  };
  const u8 = (): number => view.getUint8(need(1));
  const u16 = (): number => view.getUint16(need(2), true);
  const u32 = (): number => view.getUint32(need(4), true);
  const u64 = (): number => {
    const at = need(8);
    const value = view.getBigUint64(at, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) fail(`length ${value} is too large`);
    return Number(value);
  };
  const take = (n: number): Uint8Array => bytes.subarray(need(n), pos);
  const line = (): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail('missing the newline that ends its argument');
    const text = latin1.decode(bytes.subarray(pos, end));
    pos = end + 1;
    return text;
  };
  const text = (n: number): string => {
    try {
      return utf8.decode(take(n));
    } catch {
      return fail('string is not valid UTF-8');
    }
  };

  const pop = (): PickleValue => {
    const item = stack.pop();
    if (item === undefined) fail('the stack is empty');
    if (item === MARK) fail('found a MARK where a value was expected');
    return item as PickleValue;
  };
  const top = (): PickleValue => {
    const item = stack[stack.length - 1];
    if (item === undefined || item === MARK) fail('expects a value on the stack');
    return item as PickleValue;
  };
  const popToMark = (): PickleValue[] => {
    const at = stack.lastIndexOf(MARK);
    if (at < 0) fail('has no matching MARK');
    const items = stack.splice(at) as PickleValue[];
    items.shift();
    return items;
  };
  const push = (value: PickleValue): void => {
    stack.push(value);
  };
  const memoize = (index: number): void => {
    memo.set(index, top());
  };
  const recall = (index: number): void => {
    const value = memo.get(index);
    if (value === undefined) fail(`refers to memo entry ${index}, which was never stored`);
    push(value as PickleValue);
  };
  const appendTo = (items: PickleValue[]): void => {
    const list = top();
    if (!Array.isArray(list)) fail(`appends to a ${describe(list)}, not a list`);
    for (const item of items) (list as PickleValue[]).push(item);
  };
  const importGlobal = (module: string, name: string): void => {
    const allowed = ALLOWED_GLOBALS.get(`${module}.${name}`);
    if (allowed === undefined) {
      fail(`imports ${module}.${name}, which is not allowed (only ${[...ALLOWED_GLOBALS.keys()].join(', ')})`);
    }
    push({ kind: 'global', name: allowed as AllowedGlobal });
  };
  const tuple = (items: PickleValue[]): PickleTuple => ({ kind: 'tuple', items });

  for (;;) {
    opStart = pos;
    const op = u8();
    opName = OPCODE_NAMES[op] ?? `0x${op.toString(16).padStart(2, '0')}`;
    switch (op) {
      case 0x80: { // PROTO
        const protocol = u8();
        if (protocol < 2 || protocol > 5) fail(`protocol ${protocol} is not supported (2 to 5 are)`);
        break;
      }
      case 0x95: { // FRAME: framing only groups opcodes for buffered reading
        const length = u64();
        if (pos + length > bytes.length) fail(`frame of ${length} bytes runs past the end of the pickle`);
        break;
      }
      case 0x2e: { // STOP
        const result = pop();
        if (stack.length !== 0) fail(`leaves ${stack.length} items on the stack`);
        return result;
      }
      case 0x28: stack.push(MARK); break; // MARK
      case 0x4e: push(null); break; // NONE
      case 0x88: push(true); break; // NEWTRUE
      case 0x89: push(false); break; // NEWFALSE
      case 0x4b: push(u8()); break; // BININT1
      case 0x4d: push(u16()); break; // BININT2
      case 0x4a: push(view.getInt32(need(4), true)); break; // BININT
      case 0x8a: push(readLong(take(u8()), fail)); break; // LONG1
      case 0x8b: push(readLong(take(u32()), fail)); break; // LONG4
      case 0x8c: push(text(u8())); break; // SHORT_BINUNICODE
      case 0x58: push(text(u32())); break; // BINUNICODE
      case 0x8d: push(text(u64())); break; // BINUNICODE8
      // Python 2 `str`: decoded as latin-1, as np.load(encoding='latin1') would.
      case 0x55: push(latin1.decode(take(u8()))); break; // SHORT_BINSTRING
      case 0x54: push(latin1.decode(take(u32()))); break; // BINSTRING
      case 0x43: push(take(u8()).slice()); break; // SHORT_BINBYTES
      case 0x42: push(take(u32()).slice()); break; // BINBYTES
      case 0x8e: push(take(u64()).slice()); break; // BINBYTES8
      case 0x5d: push([]); break; // EMPTY_LIST
      case 0x29: push(tuple([])); break; // EMPTY_TUPLE
      case 0x85: push(tuple([pop()])); break; // TUPLE1
      case 0x86: { // TUPLE2
        const b = pop();
        push(tuple([pop(), b]));
        break;
      }
      case 0x87: { // TUPLE3
        const c = pop();
        const b = pop();
        push(tuple([pop(), b, c]));
        break;
      }
      case 0x74: push(tuple(popToMark())); break; // TUPLE
      case 0x6c: push(popToMark()); break; // LIST
      case 0x61: appendTo([pop()]); break; // APPEND
      case 0x65: appendTo(popToMark()); break; // APPENDS
      case 0x94: memoize(memo.size); break; // MEMOIZE
      case 0x71: memoize(u8()); break; // BINPUT
      case 0x72: memoize(u32()); break; // LONG_BINPUT
      case 0x68: recall(u8()); break; // BINGET
      case 0x6a: recall(u32()); break; // LONG_BINGET
      case 0x63: { // GLOBAL
        const module = line();
        importGlobal(module, line());
        break;
      }
      case 0x93: { // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('expects two strings');
        importGlobal(module as string, name as string);
        break;
      }
      case 0x52: { // REDUCE
        const args = pop();
        push(construct(pop(), args, fail));
        break;
      }
      case 0x62: { // BUILD
        const state = pop();
        setState(top(), state, fail);
        break;
      }
      default:
        fail('is not allowed: this reader only rebuilds numpy object arrays of int lists');
    }
  }
}

/** LONG1/LONG4 payload: little-endian two's complement, as a safe JavaScript integer. */
function readLong(payload: Uint8Array, fail: (what: string) => never): number {
  let value = 0n;
  for (let i = payload.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(payload[i]!);
  if (payload.length > 0 && (payload[payload.length - 1]! & 0x80) !== 0) {
    value -= 1n << BigInt(8 * payload.length);
  }
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    fail(`integer ${value} does not fit a JavaScript number`);
  }
  return Number(value);
}

/** REDUCE: only the three whitelisted constructors, each with the argument shapes numpy uses. */
function construct(callable: PickleValue, args: PickleValue, fail: (what: string) => never): PickleValue {
  if (!isKind(callable, 'global')) return fail(`calls a ${describe(callable)}; only whitelisted imports may be called`);
  if (!isKind(args, 'tuple')) return fail(`calls ${callable.name} with ${describe(args)} instead of an argument tuple`);
  const [a, b, c] = args.items;
  switch (callable.name) {
    case 'reconstruct':
      if (args.items.length !== 3 || !isKind(a, 'global') || a.name !== 'ndarray' || !isKind(b, 'tuple') ||
        !(typeof c === 'string' || c instanceof Uint8Array)) {
        return fail('calls _reconstruct with arguments other than (numpy.ndarray, shape, typecode)');
      }
      return { kind: 'ndarray', shape: undefined, fortranOrder: false, items: undefined };
    case 'dtype':
      if (args.items.length !== 3 || a !== 'O8' || typeof b !== 'boolean' || typeof c !== 'boolean') {
        return fail(`calls numpy.dtype with ${describe(a)}; only the object dtype 'O8' can be pickled here`);
      }
      return { kind: 'dtype', descr: 'O8' };
    case 'codecs.encode':
      if (args.items.length !== 2 || typeof a !== 'string' || b !== 'latin1') {
        return fail('calls _codecs.encode with arguments other than (str, "latin1")');
      }
      return Uint8Array.from(a, (ch) => ch.charCodeAt(0) & 0xff);
    case 'ndarray':
      return fail('calls numpy.ndarray directly; only _reconstruct may create an array');
  }
}

/** BUILD: sets the state of a dtype or array shell and nothing else. */
function setState(target: PickleValue, state: PickleValue, fail: (what: string) => never): void {
  if (isKind(target, 'dtype')) {
    if (!isKind(state, 'tuple')) fail('gives the dtype a state that is not a tuple');
    return;
  }
  if (!isKind(target, 'ndarray')) return void fail(`sets the state of a ${describe(target)}; only numpy arrays and dtypes are allowed`);
  if (!isKind(state, 'tuple') || state.items.length !== 5) return void fail('gives the ndarray a state that is not (version, shape, dtype, fortran, data)');
  const [, shape, dtype, fortran, items] = state.items;
  if (!isKind(shape, 'tuple') || !shape.items.every((d) => typeof d === 'number' && d >= 0)) {
    return void fail('gives the ndarray a shape that is not a tuple of sizes');
  }
  if (!isKind(dtype, 'dtype')) return void fail('gives the ndarray a dtype other than object');
  if (typeof fortran !== 'boolean' || !Array.isArray(items)) return void fail('gives the ndarray data that is not a list');
  const dims = shape.items as number[];
  const size = dims.reduce((a, b) => a * b, 1);
  if (items.length !== size) fail(`gives ${items.length} items to an array of shape (${dims.join(', ')})`);
  target.shape = dims;
  target.fortranOrder = fortran;
  target.items = items;
}

function isKind<K extends 'tuple' | 'global' | 'dtype' | 'ndarray'>(
  value: PickleValue | undefined,
  kind: K,
): value is Extract<PickleValue, { kind: K }> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array) &&
    value.kind === kind;
}

function describe(value: PickleValue | undefined): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'None';
  if (Array.isArray(value)) return 'list';
  if (value instanceof Uint8Array) return 'bytes';
  if (typeof value === 'object') return value.kind === 'global' ? `import ${value.name}` : value.kind;
  return typeof value === 'string' ? `string '${value}'` : typeof value;
}
