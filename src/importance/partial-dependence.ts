/**
 * How the model's prediction changes with two parameters together: its
 * partial dependence, the prediction averaged over the other parameters
 * (Friedman 2001) at each cell of a grid of the two. Averaging rather than
 * fixing the others at the best trial's values shows what the pair does
 * across the space, the same view the importance shares summarize.
 */
import { SOBOL_MAX_DIM, sobolPoint } from "../space/sobol.ts";
import { createRng } from "../util/rng.ts";
import type { CubeFunction } from "./pick-freeze.ts";

/** Points of the other parameters each cell averages over. */
const SAMPLES = 32;

/**
 * The mean of `f` over the cube's other coordinates with coordinate `i` at
 * each of `xs` and `j` at each of `ys`: `z[row][column]`, a row per y.
 */
export function partialDependence(
  f: CubeFunction,
  dims: number,
  [i, j]: readonly [number, number],
  xs: readonly number[],
  ys: readonly number[],
  seed: number,
): number[][] {
  const rng = createRng(seed, 0x1b2);
  const base = Array.from({ length: SAMPLES }, (_, k) =>
    dims <= SOBOL_MAX_DIM ? sobolPoint(k, dims, seed) : Array.from({ length: dims }, () => rng.next()),
  );
  return ys.map((y) =>
    xs.map((x) => {
      let sum = 0;
      for (const b of base) {
        const u = [...b];
        u[i] = x;
        u[j] = y;
        sum += f(u);
      }
      return sum / base.length;
    }),
  );
}
