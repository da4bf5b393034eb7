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
  readonly f: CubeFunction;
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
  const data = dataOf(enc, trials, standardize(Float64Array.from(values)));
  const fitted = theta ?? fitModelTheta(data, rng);
  const gp = new Posterior(data, fitted, 0);
  return { f: (u) => gp.cache(featuresOf(enc, decode(space, u))).mean, theta: fitted };
}
