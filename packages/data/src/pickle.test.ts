import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNpy } from './npy.js';
import { readNpz } from './npz.js';
import { PickleError, readPickle, type PickleNdarray } from './pickle.js';
import { writeNpy } from './testing/numpy-writer.js';
import { pickleObjectArrayOfIntLists } from './testing/pickle-writer.js';
import { sharedDatasetsDir } from './testing/shared-datasets.js';

const hex = (text: string) => Uint8Array.from(Buffer.from(text, 'hex'));
const ascii = (text: string) => [...Buffer.from(text, 'latin1')];
const bytes = (...parts: (number | number[])[]) => Uint8Array.from(parts.flat());

/** `np.save(f, a, allow_pickle=True)` of a = [[1, 2, 300], [-7], []] (object), by numpy 2.4.6. */
const NUMPY_2_NPY = hex(
  '934e554d5059010076007b276465736372273a20277c4f272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028332c292c' +
  '207d202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a' +
  '8004959f000000000000008c166e756d70792e5f636f72652e6d756c74696172726179948c0c5f7265636f6e7374727563749493948c056e756d7079948c076e' +
  '6461727261799493944b0085944301629487945294284b014b03859468038c0564747970659493948c024f3894898887945294284b038c017c944e4e4e4affff' +
  'ffff4affffffff4b3f749462895d94285d94284b014b024d2c01655d944af9ffffff615d94657494622e',
);

/** `pickle.dumps(a, protocol=2)` of the same array (Python 3.11, numpy 2.4.6): GLOBAL, BINPUT and `_codecs.encode` for b'b'. */
const PROTOCOL_2_PICKLE = hex(
  '8002636e756d70792e5f636f72652e6d756c746961727261790a5f7265636f6e7374727563740a7100636e756d70790a6e6461727261790a71014b0085710263' +
  '5f636f646563730a656e636f64650a7103580100000062710458060000006c6174696e317105867106527107877108527109284b014b0385710a636e756d7079' +
  '0a64747970650a710b58020000004f38710c898887710d52710e284b0358010000007c710f4e4e4e4affffffff4affffffff4b3f74711062895d7111285d7112' +
  '284b014b024d2c01655d71134af9ffffff615d711465747115622e',
);

const ndarrayItems = (value: unknown) => (value as PickleNdarray).items;

describe('readPickle', () => {
  it('reads numpy 2 object arrays (protocol 4, FRAME, MEMOIZE, STACK_GLOBAL)', () => {
    const array = parseNpy(NUMPY_2_NPY, 'numpy2.npy');
    expect(array.descr).toBe('|O');
    expect(array.shape).toEqual([3]);
    expect(array.data).toEqual([[1, 2, 300], [-7], []]);
  });

  it('reads protocol 2 pickles (GLOBAL, BINPUT, _codecs.encode bytes)', () => {
    expect(ndarrayItems(readPickle(PROTOCOL_2_PICKLE, 'p2.pkl'))).toEqual([[1, 2, 300], [-7], []]);
  });

  it('writes the bytes numpy writes', () => {
    expect(writeNpy({ descr: '|O', shape: [3], data: [[1, 2, 300], [-7], []] })).toEqual(NUMPY_2_NPY);
  });

  it('round-trips long lists, several frames and every int width', () => {
    const lists = [
      Array.from({ length: 50_000 }, (_, i) => i * 29),
      [0, 255, 256, 65535, 65536, -1, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, -(2 ** 31) - 1, 2 ** 40, -(2 ** 40), Number.MAX_SAFE_INTEGER],
      [],
      [42],
      ...Array.from({ length: 1200 }, (_, i) => [i, i + 1]),
    ];
    const pickle = pickleObjectArrayOfIntLists(lists);
    expect(pickle.length).toBeGreaterThan(3 * 65536);
    expect(ndarrayItems(readPickle(pickle, 'big.pkl'))).toEqual(lists);
  });

  it('reads the object arrays of the real Keras IMDB subset', () => {
    const file = join(sharedDatasetsDir(), 'imdb', 'imdb_loaded_num_words_500.npz');
    const { x_test } = readNpz(readFileSync(file), file, ['x_test']);
    const reviews = x_test.data as number[][];
    expect(reviews).toHaveLength(1000);
    // The shared README: test review 0 has length 68 and starts with the start marker.
    expect(reviews[0]).toHaveLength(68);
    expect(reviews[0]![0]).toBe(1);
  });

  describe('rejects what it does not need, naming opcode, offset and file', () => {
    const reject = (pickle: Uint8Array, ...fragments: string[]) => {
      let message = '';
      try {
        readPickle(pickle, 'evil.pkl');
      } catch (error) {
        expect(error).toBeInstanceOf(PickleError);
        message = (error as Error).message;
      }
      expect(message).not.toBe('');
      for (const fragment of fragments) expect(message).toContain(fragment);
    };

    it('GLOBAL of anything but the numpy constructors', () => {
      // PROTO 2; GLOBAL 'os system'; ... REDUCE: the classic os.system('...') payload.
      reject(bytes(0x80, 2, 0x63, ascii('os\nsystem\n'), 0x58, 2, 0, 0, 0, ascii('id'), 0x85, 0x52, 0x2e), 'GLOBAL', 'byte 2', 'os.system', 'evil.pkl');
    });

    it('STACK_GLOBAL of builtins.eval', () => {
      reject(bytes(0x80, 4, 0x8c, 8, ascii('builtins'), 0x8c, 4, ascii('eval'), 0x93, 0x2e), 'STACK_GLOBAL', 'byte 18', 'builtins.eval');
    });

    it('REDUCE on something that is not a whitelisted import', () => {
      reject(bytes(0x80, 2, 0x5d, 0x29, 0x52, 0x2e), 'REDUCE', 'byte 4');
    });

    it('numpy.dtype of anything but the object dtype', () => {
      reject(bytes(0x80, 2, 0x63, ascii('numpy\ndtype\n'), 0x58, 3, 0, 0, 0, ascii('<i8'), 0x89, 0x88, 0x87, 0x52, 0x2e), 'REDUCE', "'<i8'");
    });

    it('BUILD on a plain list', () => {
      reject(bytes(0x80, 2, 0x5d, 0x29, 0x62, 0x2e), 'BUILD', 'byte 4', 'list');
    });

    it.each([
      ['INST', [0x69, ...ascii('os\nsystem\n')], 2],
      ['OBJ', [0x28, 0x6f], 3],
      ['NEWOBJ', [0x81], 2],
      ['EXT1', [0x82, 1], 2],
      ['BINPERSID', [0x51], 2],
      ['EMPTY_DICT', [0x7d], 2],
      ['BINFLOAT', [0x47], 2],
    ] as const)('%s', (name, ops, offset) => {
      reject(bytes(0x80, 2, [...ops], 0x2e), name, `byte ${offset}`, 'not allowed');
    });

    it('a pickle cut short', () => {
      reject(PROTOCOL_2_PICKLE.subarray(0, 40), 'BINPUT', 'byte 39', 'needs 1 more bytes');
      reject(pickleObjectArrayOfIntLists([[1, 2, 3]]).subarray(0, 120), 'FRAME', 'runs past the end');
    });

    it('a memo reference that was never stored', () => {
      reject(bytes(0x80, 2, 0x68, 7, 0x2e), 'BINGET', 'memo entry 7');
    });
  });
});
