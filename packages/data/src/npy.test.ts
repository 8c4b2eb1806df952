import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { NpyError, parseNpy } from './npy.js';
import { readNpz } from './npz.js';
import { writeNpy, writeNpz } from './testing/numpy-writer.js';
import { pickleObjectArrayOfIntLists } from './testing/pickle-writer.js';

/** A .npy with a hand-written header of the given format version. */
function npyWithHeader(version: 1 | 2 | 3, header: string, data: Uint8Array): Uint8Array {
  const text = new TextEncoder().encode(`${header}\n`);
  const prefix = version === 1 ? 10 : 12;
  const out = new Uint8Array(prefix + text.length + data.length);
  out.set([0x93, ...Buffer.from('NUMPY'), version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, text.length, true);
  else view.setUint32(8, text.length, true);
  out.set(text, prefix);
  out.set(data, prefix + text.length);
  return out;
}

describe('parseNpy', () => {
  it.each([
    ['<i8', BigInt64Array.of(1n, -2n, 3n)],
    ['<i4', Int32Array.of(7, -8, 9, 10)],
    ['|u1', Uint8Array.of(0, 255, 3)],
    ['<f4', Float32Array.of(0.5, -1.25)],
    ['<f8', Float64Array.of(Math.PI)],
  ] as const)('reads %s arrays it wrote', (descr, data) => {
    const array = parseNpy(writeNpy({ descr, shape: [data.length], data }), 'a.npy');
    expect(array).toEqual({ descr, shape: [data.length], fortranOrder: false, data });
  });

  it('reads header versions 2 and 3 and 2-d shapes', () => {
    const data = new Uint8Array(Int32Array.of(1, 2, 3, 4, 5, 6).buffer);
    for (const version of [1, 2, 3] as const) {
      const array = parseNpy(npyWithHeader(version, "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }", data), 'v.npy');
      expect(array.shape).toEqual([2, 3]);
      expect([...(array.data as Int32Array)]).toEqual([1, 2, 3, 4, 5, 6]);
    }
  });

  it("reads object arrays under the old '|O8' descr too", () => {
    const array = parseNpy(npyWithHeader(1, "{'descr': '|O8', 'fortran_order': False, 'shape': (2,), }", pickleObjectArrayOfIntLists([[1], [2, 3]])), 'old.npy');
    expect(array).toEqual({ descr: '|O', shape: [2], fortranOrder: false, data: [[1], [2, 3]] });
  });

  it('rejects an object array whose pickle never gives the array its data', () => {
    // PROTO 2; GLOBAL numpy.core.multiarray._reconstruct; GLOBAL numpy.ndarray; (0,); 'b'; TUPLE3; REDUCE; STOP
    const pickle = Uint8Array.from([
      0x80, 2, 0x63, ...Buffer.from('numpy.core.multiarray\n_reconstruct\n'), 0x63, ...Buffer.from('numpy\nndarray\n'),
      0x4b, 0, 0x85, 0x55, 1, 0x62, 0x87, 0x52, 0x2e,
    ]);
    expect(() => parseNpy(npyWithHeader(1, "{'descr': '|O', 'fortran_order': False, 'shape': (0,), }", pickle), 'empty.npy'))
      .toThrow('empty.npy: the pickled array never receives its data (no BUILD)');
  });

  it('copies unaligned data instead of failing', () => {
    const file = npyWithHeader(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", new Uint8Array(Int32Array.of(5, 6).buffer));
    const unaligned = new Uint8Array(file.length + 1).subarray(1);
    unaligned.set(file);
    expect([...(parseNpy(unaligned, 'u.npy').data as Int32Array)]).toEqual([5, 6]);
  });

  it.each([
    ['not a .npy', Uint8Array.from(Buffer.from('PK\x03\x04 definitely a zip')), 'missing the \\x93NUMPY magic'],
    ['an unknown version', npyWithHeader(1, '{}', new Uint8Array()).fill(9, 6, 7), 'version 9'],
    ['a header without shape', npyWithHeader(1, "{'descr': '<i4', 'fortran_order': False, }", new Uint8Array()), 'bad .npy header'],
    ['a bad dimension', npyWithHeader(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (x,), }", new Uint8Array()), "bad dimension 'x'"],
    ['big-endian data', npyWithHeader(1, "{'descr': '>i4', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(4)), "unsupported dtype '>i4'"],
    ['too little data', npyWithHeader(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }", new Uint8Array(8)), 'needs 12 data bytes, found 8'],
    ['a header longer than the file', npyWithHeader(1, "{'descr': '<i4'", new Uint8Array()).fill(0xff, 8, 9), 'header claims'],
  ])('rejects %s, naming the file', (_what, bytes, message) => {
    expect(() => parseNpy(bytes, 'bad.npy')).toThrow(NpyError);
    expect(() => parseNpy(bytes, 'bad.npy')).toThrow(`bad.npy: `);
    expect(() => parseNpy(bytes, 'bad.npy')).toThrow(message);
  });
});

describe('readNpz', () => {
  const good = writeNpz({
    x: { descr: '|O', shape: [2], data: [[1, 2], [3]] },
    y: { descr: '<i8', shape: [2], data: BigInt64Array.of(0n, 1n) },
  });

  it('reads the requested arrays', () => {
    const { x, y } = readNpz(good, 'good.npz', ['x', 'y']);
    expect(x.data).toEqual([[1, 2], [3]]);
    expect([...(y.data as BigInt64Array)]).toEqual([0n, 1n]);
  });

  it('rejects a file that is not a zip', () => {
    expect(() => readNpz(Uint8Array.from(Buffer.from('just some text, not an archive')), 'text.npz', ['x'])).toThrow(/text\.npz: not a readable \.npz/);
  });

  it('rejects a missing key', () => {
    expect(() => readNpz(good, 'good.npz', ['x', 'x_test'])).toThrow("good.npz: no array 'x_test' (member x_test.npy)");
  });

  it('rejects a member with a bad .npy header, naming the member', () => {
    const bad = zipSync({ 'x.npy': Uint8Array.from(Buffer.from('\x93NUMPY\x01\x00\x10\x00{garbage header}\n', 'latin1')) });
    expect(() => readNpz(bad, 'bad.npz', ['x'])).toThrow(/bad\.npz:x\.npy: bad \.npy header/);
  });
});
