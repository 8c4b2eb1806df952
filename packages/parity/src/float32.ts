/** Facts about float32 the tolerances rest on. */

/** Unit roundoff of float32 (round to nearest): half the distance from 1 to the next float. */
export const FLOAT32_UNIT_ROUNDOFF = 2 ** -24;

const bits = new Float32Array(1);
const integer = new Uint32Array(bits.buffer);

/** Distance from |x| (a float32) to the next float32 away from zero: the resolution of x. */
export function float32Spacing(x: number): number {
  bits[0] = Math.abs(x);
  const magnitude = bits[0];
  integer[0] = integer[0]! + 1;
  return bits[0] - magnitude;
}
