/**
 * Sobol indices of a function on the unit cube by quasi-Monte-Carlo
 * pick-freeze: two independent sample matrices A and B, and for each
 * coordinate i the matrix A with column i taken from B. First-order indices by
 * Saltelli et al. (2010), total indices by Jansen (1999), closed second-order
 * indices of a pair by Jansen's form (B against A with both columns from B), which
 * stays accurate for a pair that explains nearly everything where Saltelli's
 * form is off by a few percent (the G-function's first two coordinates). Indices are shares of the variance of f; estimation noise can put
 * them slightly outside [0, 1], and they are clamped there.
 */
import { SOBOL_MAX_DIM, sobolPoint } from "../space/sobol.ts";
import { mean } from "../util/mean.ts";
import { createRng } from "../util/rng.ts";

export type CubeFunction = (u: readonly number[]) => number;

export interface PickFreeze {
  /** The variance of f over the cube (from A and B together). */
  readonly variance: number;
  first(i: number): number;
  total(i: number): number;
  /** The share of the variance explained by coordinates i and j together, interactions included. */
  closed(i: number, j: number): number;
}

/** `n` base points in `dims` dimensions: the pick-freeze design costs n·(dims + 2) evaluations, plus n per pair. */
export function pickFreeze(f: CubeFunction, dims: number, n: number, seed: number): PickFreeze {
  const { a, b } = design(dims, n, seed);
  const fa = a.map(f);
  const fb = b.map(f);
  const all = [...fa, ...fb];
  const m = mean(all);
  const variance = mean(all.map((v) => (v - m) ** 2));
  // first(i) and total(i) share f at A with column i from B.
  const cache = new Map<string, number[]>();
  const mixed = (cols: readonly number[]) => {
    const key = cols.join();
    const hit = cache.get(key);
    if (hit) return hit;
    const values = a.map((row, k) => {
      const r = [...row];
      for (const c of cols) r[c] = b[k]![c]!;
      return f(r);
    });
    cache.set(key, values);
    return values;
  };
  const share = (x: number) => (variance > 0 ? Math.min(1, Math.max(0, x / variance)) : 0);
  const jansen = (f1: readonly number[], f2: readonly number[]) => mean(f1.map((v, k) => (v - f2[k]!) ** 2)) / 2;
  return {
    variance,
    first: (i) => share(mean(mixed([i]).map((v, k) => fb[k]! * (v - fa[k]!)))),
    total: (i) => share(jansen(fa, mixed([i]))),
    // B and A with columns i and j from B share just those two.
    closed: (i, j) => share(variance - jansen(fb, mixed([i, j]))),
  };
}

/** A and B as the two halves of a scrambled Sobol sequence in 2·dims dimensions (random points beyond its dimensions). */
function design(dims: number, n: number, seed: number): { a: number[][]; b: number[][] } {
  const rng = createRng(seed, 0x1a0);
  const point = (k: number) =>
    2 * dims <= SOBOL_MAX_DIM ? sobolPoint(k, 2 * dims, seed) : Array.from({ length: 2 * dims }, () => rng.next());
  const points = Array.from({ length: n }, (_, k) => point(k));
  return { a: points.map((p) => p.slice(0, dims)), b: points.map((p) => p.slice(dims)) };
}
