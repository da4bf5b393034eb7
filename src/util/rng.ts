/**
 * Seeded pseudo-random numbers that give the same sequence on every machine and
 * Node version (Math.random cannot be seeded). Streams are derived from a seed and
 * any number of integer keys, so each round, trial or purpose gets its own
 * independent stream instead of sharing one whose draws shift when code changes.
 */

/** 32-bit integer hash (Murmur3's finalizer), used to mix seeds and keys. */
function mix32(h: number): number {
  let x = h >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Combines a seed with keys into one 32-bit stream seed. */
export function deriveSeed(seed: number, ...keys: readonly number[]): number {
  let h = mix32(seed ^ 0x9e3779b9);
  for (const k of keys) h = mix32(h ^ mix32((k >>> 0) + 0x632be5ab));
  return h;
}

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
}

/** sfc32: small, fast, and passes PractRand well beyond what tuning needs. */
export function createRng(seed: number, ...keys: readonly number[]): Rng {
  let a = deriveSeed(seed, ...keys, 1);
  let b = deriveSeed(seed, ...keys, 2);
  let c = deriveSeed(seed, ...keys, 3);
  let d = 1;
  const next32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) next32();
  const next = (): number => next32() / 4294967296;
  return {
    next,
    int: (n) => Math.floor(next() * n),
    normal: () => {
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
  };
}
