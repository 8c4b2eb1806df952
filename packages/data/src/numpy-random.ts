/**
 * Just enough of numpy's legacy `RandomState` to reproduce `rng.shuffle(indices)`:
 * the MT19937 generator seeded by an integer (`init_genrand`) and numpy's bounded draw
 * (`random_interval`: mask to the next power of two, reject values above the bound).
 * Keras's `imdb.load_data` orders the reviews this way (seed 113); reproducing it makes the
 * raw upstream file come out in the same order as the shared `keras-imdb-loaded` subset.
 */
export class NumpyRandomState {
  private readonly mt = new Uint32Array(624);
  private index = 624;

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`seed must be an integer in [0, 2^32): ${seed}`);
    this.mt[0] = seed;
    for (let i = 1; i < 624; i++) {
      const prev = this.mt[i - 1]! ^ (this.mt[i - 1]! >>> 30);
      // 1812433253 * prev + i, modulo 2^32, without losing bits to float rounding.
      this.mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
  }

  /** genrand_int32. */
  nextUint32(): number {
    if (this.index >= 624) this.twist();
    let y = this.mt[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** Uniform integer in [0, max], numpy's `random_interval` for max < 2^32. */
  interval(max: number): number {
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    for (;;) {
      const value = (this.nextUint32() & mask) >>> 0;
      if (value <= max) return value;
    }
  }

  /** In-place `RandomState.shuffle` of a 1-d array: Fisher-Yates from the end. */
  shuffle(values: Int32Array): void {
    for (let i = values.length - 1; i > 0; i--) {
      const j = this.interval(i);
      const t = values[i]!;
      values[i] = values[j]!;
      values[j] = t;
    }
  }

  private twist(): void {
    const mt = this.mt;
    for (let i = 0; i < 624; i++) {
      const y = (mt[i]! & 0x80000000) | (mt[(i + 1) % 624]! & 0x7fffffff);
      mt[i] = mt[(i + 397) % 624]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    this.index = 0;
  }
}

/** The orders `keras.datasets.imdb.load_data(seed)` puts the train and then the test reviews in. */
export function kerasImdbOrder(trainCount: number, testCount: number, seed = 113): { train: Int32Array; test: Int32Array } {
  const rng = new NumpyRandomState(seed);
  const train = Int32Array.from({ length: trainCount }, (_, i) => i);
  rng.shuffle(train);
  const test = Int32Array.from({ length: testCount }, (_, i) => i);
  rng.shuffle(test);
  return { train, test };
}
