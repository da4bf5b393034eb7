/**
 * Owen-scrambled Sobol points, addressable by index so a point depends only on
 * (index, dim, seed) and never on which points were drawn before it: parallel
 * workers and resumed studies then agree on every point without sharing state.
 *
 * Everything is 32-bit integer arithmetic (XOR, Math.imul, >>> 0) until the final
 * division by 2^32, which is exact, so every machine and Node version returns
 * bit-identical coordinates.
 */

import { deriveSeed } from "../util/rng.ts";
import { JOE_KUO_DIRECTIONS } from "./sobol-directions.ts";

const BITS = 32;
const TWO_POW_32 = 4294967296;
/** Keeps Sobol's per-dimension scramble keys apart from other streams drawn from the same seed. */
const SCRAMBLE_STREAM = 0x50b01;

/** The number of dimensions supported. */
export const SOBOL_MAX_DIM = JOE_KUO_DIRECTIONS.length + 1;

/** Direction number for bit k of dimension d, as a 32-bit binary fraction, at [d * BITS + k]. */
const DIRECTIONS = buildDirections();

function buildDirections(): Uint32Array {
  const v = new Uint32Array(SOBOL_MAX_DIM * BITS);
  // Dimension 0 is van der Corput: every m_k is 1.
  for (let k = 0; k < BITS; k++) v[k] = 2 ** (BITS - 1 - k);
  const m = new Uint32Array(BITS);
  JOE_KUO_DIRECTIONS.forEach(([poly, init], i) => {
    const s = init.length;
    m.set(init);
    // Bratley & Fox's recurrence: m_k = 2^s m_{k-s} ^ m_{k-s} ^ XOR_j 2^j a_j m_{k-j},
    // where a_j is the coefficient of x^(s-j) in the primitive polynomial.
    for (let k = s; k < BITS; k++) {
      let next = m[k - s]! ^ (m[k - s]! << s);
      for (let j = 1; j < s; j++) if ((poly >>> (s - j)) & 1) next ^= m[k - j]! << j;
      m[k] = next;
    }
    // m_k < 2^(k+1), so the shift fills exactly the top k+1 bits without overflow.
    for (let k = 0; k < BITS; k++) v[(i + 1) * BITS + k] = m[k]! << (BITS - 1 - k);
  });
  return v;
}

function checkArgs(index: number, dim: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= TWO_POW_32) {
    throw new RangeError(`Sobol index must be an integer in [0, 2^32), got ${index}`);
  }
  if (!Number.isInteger(dim) || dim < 0 || dim > SOBOL_MAX_DIM) {
    throw new RangeError(`Sobol dimension must be an integer in [0, ${SOBOL_MAX_DIM}], got ${dim}`);
  }
}

/**
 * The unscrambled coordinate as a 32-bit integer. The index is Gray-coded first so the
 * order matches Joe & Kuo's and scipy's generators; each block of 2^m points is the
 * same set either way, so the net property does not depend on this choice.
 */
function sobolBits(gray: number, d: number): number {
  let x = 0;
  const base = d * BITS;
  for (let g = gray, k = 0; g !== 0; g >>>= 1, k++) if (g & 1) x ^= DIRECTIONS[base + k]!;
  return x >>> 0;
}

function reverseBits(x: number): number {
  let r = x >>> 0;
  r = ((r >>> 1) & 0x55555555) | ((r & 0x55555555) << 1);
  r = ((r >>> 2) & 0x33333333) | ((r & 0x33333333) << 2);
  r = ((r >>> 4) & 0x0f0f0f0f) | ((r & 0x0f0f0f0f) << 4);
  r = ((r >>> 8) & 0x00ff00ff) | ((r & 0x00ff00ff) << 8);
  return ((r >>> 16) | (r << 16)) >>> 0;
}

/**
 * Laine–Karras-style permutation with Vegdahl's (2021) constants. Every step changes bit
 * k only as a function of bits below k (adding, multiplying by an odd number, XOR with
 * a multiple by an even number), which on bit-reversed input is exactly nested uniform
 * (Owen) scrambling: it permutes each dyadic interval's halves, so nets stay nets.
 */
function lkPermute(x: number, key: number): number {
  let h = x;
  h ^= Math.imul(h, 0x3d20adea);
  h = (h + key) | 0;
  h = Math.imul(h, (key >>> 16) | 1);
  h ^= Math.imul(h, 0x05526c56);
  h ^= Math.imul(h, 0x53a22864);
  return h >>> 0;
}

/** Burley 2020, "Practical Hash-based Owen Scrambling". */
function owenScramble(x: number, key: number): number {
  return reverseBits(lkPermute(reverseBits(x), key));
}

/**
 * Point `index` (0-based) of the `dim`-dimensional Sobol sequence, scrambled with `seed`;
 * each coordinate in [0,1).
 */
export function sobolPoint(index: number, dim: number, seed: number): number[] {
  checkArgs(index, dim);
  const gray = (index ^ (index >>> 1)) >>> 0;
  const point = new Array<number>(dim);
  for (let d = 0; d < dim; d++) {
    const key = deriveSeed(seed, SCRAMBLE_STREAM, d);
    point[d] = owenScramble(sobolBits(gray, d), key) / TWO_POW_32;
  }
  return point;
}

/** The plain Joe–Kuo Sobol point, for checking against published values. */
export function sobolPointUnscrambled(index: number, dim: number): number[] {
  checkArgs(index, dim);
  const gray = (index ^ (index >>> 1)) >>> 0;
  const point = new Array<number>(dim);
  for (let d = 0; d < dim; d++) point[d] = sobolBits(gray, d) / TWO_POW_32;
  return point;
}
