/**
 * Moved copies of standard test functions (issue #13): the optimum placed at a
 * seeded point of the box, off its centre, off any coarse grid and off its faces,
 * and, where the function is not meant to be separable, the axes turned by a
 * fixed seeded rotation, so that no method gains from sampling the centre first
 * or from searching along the coordinates.
 */
import { createRng } from "../src/util/rng.ts";

export type Matrix = readonly (readonly number[])[];

/** A random orthogonal matrix (Gram–Schmidt on Gaussian rows), the same on every machine. */
export function rotation(d: number, seed: number): Matrix {
  const rng = createRng(seed, d);
  const rows: number[][] = [];
  while (rows.length < d) {
    const v = Array.from({ length: d }, () => rng.normal());
    for (const r of rows) {
      const dot = r.reduce((s, x, i) => s + x * v[i]!, 0);
      r.forEach((x, i) => {
        v[i]! -= dot * x;
      });
    }
    const norm = Math.hypot(...v);
    if (norm > 1e-6) rows.push(v.map((x) => x / norm));
  }
  return rows;
}

/**
 * Fractions of each coordinate's range where a moved optimum sits: in [0.15, 0.45]
 * or [0.55, 0.85], so never at the centre nor within 15% of a face.
 */
export function offCentreFractions(d: number, seed: number): number[] {
  const rng = createRng(seed, d, 7);
  return Array.from({ length: d }, () => {
    const u = 0.15 + 0.3 * rng.next();
    return rng.next() < 0.5 ? u : 1 - u;
  });
}

export interface Moved {
  /** The function of the box's coordinates. */
  readonly f: (x: readonly number[]) => number;
  /** Where in the box the minimum now is. */
  readonly optimum: readonly number[];
}

/**
 * f(R (x − o) + z*): the base function `g`, whose minimiser is `zStar`, moved so
 * that its minimiser is `o` (in the box [min, max]^d) and, with `rotate`, turned
 * about it. `g` must be defined on all of R^d with its global minimum at zStar,
 * so that the box, wherever it lands in z, holds no lower value.
 */
export function moved(
  g: (z: readonly number[]) => number,
  zStar: readonly number[],
  box: { readonly min: number; readonly max: number },
  seed: number,
  rotate: boolean,
): Moved {
  const d = zStar.length;
  const optimum = offCentreFractions(d, seed).map((u) => box.min + u * (box.max - box.min));
  const r = rotate ? rotation(d, seed) : undefined;
  const f = (x: readonly number[]) => {
    const dx = x.map((v, i) => v - optimum[i]!);
    const turned = r ? r.map((row) => row.reduce((s, a, j) => s + a * dx[j]!, 0)) : dx;
    return g(turned.map((v, i) => v + zStar[i]!));
  };
  return { f, optimum };
}
