/**
 * Writes a 1-d numpy object array of int lists as a pickle, opcode for opcode the way
 * numpy 2 (`np.save(..., allow_pickle=True)`, pickle protocol 4) does, so synthetic Keras
 * IMDB files exercise exactly the reader path the real files take.
 */

const FRAME_TARGET = 64 * 1024; // CPython's _FRAME_SIZE_TARGET
const APPENDS_BATCH = 1000; // CPython's _BATCHSIZE: lists are appended in groups of 1000

const encoder = new TextEncoder();

class PickleBuilder {
  /** Finished frames, each with its FRAME header, after the PROTO opcode. */
  private readonly frames: Uint8Array[] = [Uint8Array.of(0x80, 4)];
  private chunk: number[] = [];
  private memoCount = 0;
  private readonly memoIndex = new Map<string, number>();

  op(...bytes: number[]): void {
    for (const b of bytes) this.chunk.push(b);
  }

  /** CPython closes a frame at the first object boundary after 64 KiB. */
  boundary(): void {
    if (this.chunk.length >= FRAME_TARGET) this.commitFrame();
  }

  memoize(): void {
    this.op(0x94);
    this.memoCount++;
  }

  /** Strings are memoized once and fetched with BINGET afterwards, as pickle does. */
  string(value: string): void {
    const known = this.memoIndex.get(value);
    if (known !== undefined) {
      if (known > 0xff) throw new Error('memo index beyond BINGET range');
      this.op(0x68, known); // BINGET
      return;
    }
    const utf8 = encoder.encode(value);
    if (utf8.length > 0xff) throw new Error(`string too long for SHORT_BINUNICODE: ${value}`);
    this.op(0x8c, utf8.length, ...utf8); // SHORT_BINUNICODE
    this.memoIndex.set(value, this.memoCount);
    this.memoize();
  }

  int(value: number): void {
    if (!Number.isSafeInteger(value)) throw new Error(`not an integer: ${value}`);
    if (value >= 0 && value <= 0xff) this.op(0x4b, value); // BININT1
    else if (value >= 0 && value <= 0xffff) this.op(0x4d, value & 0xff, value >> 8); // BININT2
    else if (value >= -0x80000000 && value <= 0x7fffffff) {
      this.op(0x4a, value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff, (value >>> 24) & 0xff); // BININT
    } else {
      this.op(0x8a, ...long1(value)); // LONG1
    }
  }

  finish(): Uint8Array {
    this.op(0x2e); // STOP
    this.commitFrame();
    const total = this.frames.reduce((n, f) => n + f.length, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const frame of this.frames) {
      out.set(frame, at);
      at += frame.length;
    }
    return out;
  }

  private commitFrame(): void {
    if (this.chunk.length === 0) return;
    const frame = new Uint8Array(9 + this.chunk.length);
    frame[0] = 0x95; // FRAME
    new DataView(frame.buffer).setBigUint64(1, BigInt(this.chunk.length), true);
    frame.set(this.chunk, 9);
    this.frames.push(frame);
    this.chunk = [];
  }
}

/** LONG1 argument: length byte, then little-endian two's complement. */
function long1(value: number): number[] {
  let v = BigInt(value);
  const bytes: number[] = [];
  for (;;) {
    const byte = Number(v & 0xffn);
    bytes.push(byte);
    v >>= 8n;
    // Stop once the remaining bits are pure sign extension of the last byte written.
    if ((v === 0n && byte < 0x80) || (v === -1n && byte >= 0x80)) return [bytes.length, ...bytes];
  }
}

/** Appends the items of a list the way pickle batches them: APPEND for one, MARK..APPENDS for more. */
function appendItems(p: PickleBuilder, items: readonly number[] | readonly (readonly number[])[], save: (item: never) => void): void {
  for (let start = 0; start < items.length; start += APPENDS_BATCH) {
    const batch = items.slice(start, start + APPENDS_BATCH);
    if (batch.length > 1) {
      p.op(0x28); // MARK
      for (const item of batch) save(item as never);
      p.op(0x65); // APPENDS
    } else {
      save(batch[0] as never);
      p.op(0x61); // APPEND
    }
  }
}

/** Pickle bytes of `numpy.array(lists, dtype=object)` for a 1-d array of int lists. */
export function pickleObjectArrayOfIntLists(lists: readonly (readonly number[])[]): Uint8Array {
  const p = new PickleBuilder();
  // numpy._core.multiarray._reconstruct(numpy.ndarray, (0,), b'b')
  p.string('numpy._core.multiarray');
  p.string('_reconstruct');
  p.op(0x93); // STACK_GLOBAL
  p.memoize();
  p.string('numpy');
  p.string('ndarray');
  p.op(0x93);
  p.memoize();
  p.int(0);
  p.op(0x85); // TUPLE1
  p.memoize();
  p.op(0x43, 1, 0x62); // SHORT_BINBYTES b'b'
  p.memoize();
  p.op(0x87); // TUPLE3
  p.memoize();
  p.op(0x52); // REDUCE
  p.memoize();
  // state: (1, (n,), dtype, False, [...])
  p.op(0x28); // MARK
  p.int(1);
  p.int(lists.length);
  p.op(0x85);
  p.memoize();
  // numpy.dtype('O8', False, True) with state (3, '|', None, None, None, -1, -1, 63)
  p.string('numpy');
  p.string('dtype');
  p.op(0x93);
  p.memoize();
  p.string('O8');
  p.op(0x89, 0x88, 0x87); // NEWFALSE NEWTRUE TUPLE3
  p.memoize();
  p.op(0x52);
  p.memoize();
  p.op(0x28);
  p.int(3);
  p.string('|');
  p.op(0x4e, 0x4e, 0x4e); // NONE x3
  p.int(-1);
  p.int(-1);
  p.int(63);
  p.op(0x74); // TUPLE
  p.memoize();
  p.op(0x62); // BUILD
  p.op(0x89); // NEWFALSE: not Fortran order
  p.op(0x5d); // EMPTY_LIST
  p.memoize();
  appendItems(p, lists, (list: readonly number[]) => {
    p.boundary();
    p.op(0x5d);
    p.memoize();
    appendItems(p, list, (value: number) => {
      p.boundary();
      p.int(value);
    });
  });
  p.op(0x74); // TUPLE (closes the state's MARK)
  p.memoize();
  p.op(0x62); // BUILD
  return p.finish();
}
