/**
 * The model whose variance is decomposed: the posterior mean of the Gaussian
 * process that `bayes` fits, over the trials' values standardized but not
 * warped (a warp would change which share of the variance each parameter
 * explains). Points of the cube are decoded into the configuration that would
 * run before the model sees them, so log scales, integer steps, categories and
 * conditions count as they do in the search.
 */
import type { Trial } from "../protocol/trial.ts";
import type { Space } from "../space/space.ts";
import { decode } from "../space/space.ts";
import { encodingOf, featuresOf } from "../strategy/bayes/encoding.ts";
import { Posterior, type Theta } from "../strategy/bayes/gp.ts";
import { dataOf, fitModelTheta } from "../strategy/bayes/model.ts";
import { standardize } from "../strategy/bayes/targets.ts";
import type { Rng } from "../util/rng.ts";
import type { CubeFunction } from "./pick-freeze.ts";

export interface Surrogate {
  /** The posterior mean, standardized (mean 0, standard deviation 1 over the trials). */
  readonly f: CubeFunction;
  /** The posterior mean in the values' own units. */
  readonly value: CubeFunction;
  readonly theta: Theta;
}

/** With `theta`, the model keeps those hyperparameters; else they are fitted. */
export function surrogateOf(
  space: Space,
  trials: readonly Trial[],
  values: readonly number[],
  rng: Rng,
  theta?: Theta,
): Surrogate {
  const enc = encodingOf(space);
  const z = standardize(Float64Array.from(values));
  const data = dataOf(enc, trials, z);
  const fitted = theta ?? fitModelTheta(data, rng);
  const gp = new Posterior(data, fitted, 0);
  const f: CubeFunction = (u) => gp.cache(featuresOf(enc, decode(space, u))).mean;
  const units = unitsOf(values, z);
  return { f, value: (u) => units(f(u)), theta: fitted };
}

/** The affine map that undoes `standardize`, read off the two trials furthest apart. */
function unitsOf(values: readonly number[], z: Float64Array): (s: number) => number {
  let hi = 0;
  let lo = 0;
  z.forEach((s, i) => {
    if (s > z[hi]!) hi = i;
    if (s < z[lo]!) lo = i;
  });
  if (!(z[hi]! > z[lo]!)) return () => values[0]!;
  const scale = (values[hi]! - values[lo]!) / (z[hi]! - z[lo]!);
  return (s) => values[lo]! + scale * (s - z[lo]!);
}
