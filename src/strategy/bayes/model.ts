/**
 * The model of a study: a Gaussian process fitted to every finished trial, with
 * failed (and pruned) trials imputed at the worst value seen, so the search
 * learns to avoid where they failed without inventing values beyond the
 * observed range. Trials still pending or running are left to the caller, to be
 * added as fantasies. With a related study's model (a warm start), the GP
 * models the difference from its prediction (transfer.ts).
 */

import type { Objective } from "../../protocol/objective.ts";
import type { Trial } from "../../protocol/trial.ts";
import { trialValue } from "../../protocol/trial-value.ts";
import type { Rng } from "../../util/rng.ts";
import { type Encoding, featuresOf } from "./encoding.ts";
import { type Data, defaultPriors, fitTheta, Posterior, type Theta } from "./gp.ts";
import { modelTargets } from "./targets.ts";
import type { Transfer } from "./transfer.ts";

/**
 * Above this many trials the hyperparameters are fitted to a subset: each
 * likelihood evaluation costs O(n³), while the length scales and noise are
 * already well determined by a hundred (fitting 1,000 trials in full would
 * take seconds per round).
 */
const FIT_MAX = 100;

/**
 * The GP's prior mean, in standardized targets: one standard deviation worse
 * than the average trial. With the average itself, the unexplored corners of
 * the cube promise as much as anywhere and EI keeps visiting them (traces on
 * rosenbrock showed most late trials at the boundary); most of a search space
 * is worse than the trials a search has chosen so far. On the benchmark (q=4,
 * 20 seeds) this halved median final regret on ackley5, rosenbrock4 and
 * styblinski-tang and divided it by five on levy6, with no loss elsewhere;
 * 1.5 and 2 were about as good, 0.5 in between.
 */
export const PRIOR_MEAN = 1;

export interface Model {
  readonly gp: Posterior;
  /** The best observed target (lower is better). */
  readonly best: number;
  /** Trials that succeeded, best first. */
  readonly ranked: readonly Trial[];
  readonly pending: readonly Trial[];
}

export function buildModel(
  enc: Encoding,
  trials: readonly Trial[],
  goal: Objective["goal"],
  rng: Rng,
  extra: number,
  transfer?: Transfer,
): Model | undefined {
  const finished: Trial[] = [];
  const raw: number[] = [];
  const failed: Trial[] = [];
  const pending: Trial[] = [];
  for (const t of trials) {
    const v = trialValue(t);
    if (v !== undefined) {
      finished.push(t);
      raw.push(goal === "maximize" ? -v : v);
    } else if (t.status === "pending" || t.status === "running") pending.push(t);
    else failed.push(t);
  }
  if (finished.length === 0 && !transfer) return undefined;
  const worst = Math.max(...raw);
  const values = [...raw, ...(finished.length ? failed.map(() => worst) : [])];
  const rows = [...finished, ...(finished.length ? failed : [])];
  const y = modelTargets(values).map((v) => v - PRIOR_MEAN);
  const data = dataOf(enc, rows, y);
  const { x, n } = data;
  const order = finished.map((_, i) => i).sort((a, b) => y[a]! - y[b]! || a - b);
  const ranked = order.map((i) => finished[i]!);
  if (transfer) {
    const { mean, residuals, scale } = transfer.meanFor(x, y, n);
    const shifted: Data = { ...data, y: residuals };
    const theta = n > 0 ? fitModelTheta(shifted, rng) : transfer.theta;
    const gp = new Posterior(shifted, theta, pending.length + extra, mean);
    return { gp, best: n > 0 ? y[order[0]!]! / scale : transfer.incumbent, ranked, pending };
  }
  const gp = new Posterior(data, fitModelTheta(data, rng), pending.length + extra);
  return { gp, best: y[order[0]!]!, ranked, pending };
}

/**
 * One local search per model's hyperparameter fit, where the one-objective
 * model has two: a study with constraints or several objectives fits a model per objective and constraint, and
 * the fits were most of the time spent planning a round.
 */
export const FIT_STARTS = 1;

/** The trials' features and their targets, as a GP's data. */
export function dataOf(enc: Encoding, rows: readonly Trial[], y: Float64Array): Data {
  const n = rows.length;
  const x = new Float64Array(n * enc.p);
  rows.forEach((t, i) => {
    x.set(featuresOf(enc, t.params), i * enc.p);
  });
  return { features: enc, x, y, n };
}

/**
 * MAP hyperparameters of a model's data, fitted to a subset of it when it is
 * large; `starts` local searches from the best of the random draws.
 */
export function fitModelTheta(data: Data, rng: Rng, starts = data.n > FIT_MAX ? 1 : 2): Theta {
  return fitTheta(fitSubset(data, rng), defaultPriors(data.features.p), () => rng.next(), {
    draws: 12,
    starts,
    maxIterations: 60,
  });
}

/** The best quarter of the points and a random sample of the rest, up to `max`. */
export function fitSubset(data: Data, rng: Rng, max = FIT_MAX): Data {
  const { n, features, x, y } = data;
  if (n <= max) return data;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => y[a]! - y[b]! || a - b);
  const keep = order.slice(0, max / 4);
  const rest = order.slice(max / 4);
  for (let k = 0; keep.length < max; k++) {
    const j = k + rng.int(rest.length - k);
    [rest[k], rest[j]] = [rest[j]!, rest[k]!];
    keep.push(rest[k]!);
  }
  const p = features.p;
  const sx = new Float64Array(max * p);
  const sy = new Float64Array(max);
  keep.forEach((i, r) => {
    sx.set(x.subarray(i * p, (i + 1) * p), r * p);
    sy[r] = y[i]!;
  });
  return { features, x: sx, y: sy, n: max };
}
