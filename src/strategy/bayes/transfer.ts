/**
 * Warm start for bayes: a related study's results (the base branch's, say)
 * become the prior mean of this study's GP. A GP fitted to them gives m(x);
 * the study's GP then models its own targets minus w·(a + b·m(x)), where a and
 * b map the related study's scale onto this one's (least squares on the own
 * results, pulled toward "same landscape" while they are few) and w is how far
 * the own results bear out the related study's ranking (prior-trust.ts). With
 * no own result yet, m alone leads the search to where the related study did
 * well; as results disagree with it, w falls and the model becomes the cold
 * one. A prior mean rather than an ensemble of GPs (RGPE) or a transfer
 * acquisition (TAF): one GP, so batches, fantasies and the trust region work
 * unchanged.
 */
import type { Objective } from "../../protocol/objective.ts";
import type { Trial } from "../../protocol/trial.ts";
import { trialValue } from "../../protocol/trial-value.ts";
import type { Params } from "../../space/space.ts";
import { mean } from "../../util/mean.ts";
import type { Rng } from "../../util/rng.ts";
import { priorTrust } from "../prior-trust.ts";
import type { PriorTrial } from "../strategy.ts";
import { type Encoding, featuresOf } from "./encoding.ts";
import { type Data, Posterior, type Theta } from "./gp.ts";
import { fitModelTheta, fitSubset, PRIOR_MEAN } from "./model.ts";
import { modelTargets } from "./targets.ts";

/**
 * The pull toward a = 0, b = 1 (the related study's targets as this one's),
 * counted in own results: with two results the fit is still mostly the
 * prior's, with twenty mostly theirs.
 */
const RIDGE = 2;

/**
 * The related study's model sees its best quarter and a sample of the rest, up
 * to this many: fitting it costs O(points³), and with 300 trials in 8
 * dimensions the full fitting subset (100) made a batch of 8 from 100 trials
 * take about twice as long as without a prior; a prior mean needs less detail.
 */
const PRIOR_POINTS = 64;

/** How many of the related study's best configurations seed the acquisition search while the study has too few of its own. */
const CENTRES = 5;

export interface Transfer {
  /**
   * How far the study's own results so far bear out the related study's
   * ranking (prior-trust.ts): 1 before any, toward 0 as they disagree.
   */
  readonly trust: number;
  /** The related model's hyperparameters, for this study's GP until it has results to fit its own. */
  readonly theta: Theta;
  /** The related model's best fitted value: the incumbent before any own result. */
  readonly incumbent: number;
  /** The related study's best configurations, best first. */
  readonly best: readonly Params[];
  /**
   * The prior mean for a study whose results are `n` rows of features `x` with
   * model targets `y`, and those targets minus it, both divided by `scale`.
   */
  meanFor(
    x: Float64Array,
    y: Float64Array,
    n: number,
  ): { mean: (x: Float64Array) => number; residuals: Float64Array; scale: number };
}

/** The related study's model, and how far `trials` (the study's own) bear it out. */
export function fitTransfer(
  enc: Encoding,
  prior: readonly PriorTrial[],
  trials: readonly Trial[],
  goal: Objective["goal"],
  rng: Rng,
): Transfer {
  const oriented = (v: number) => (goal === "maximize" ? -v : v);
  const n = prior.length;
  const y = modelTargets(prior.map((t) => oriented(t.value))).map((v) => v - PRIOR_MEAN);
  const x = new Float64Array(n * enc.p);
  prior.forEach((t, i) => {
    x.set(featuresOf(enc, t.params), i * enc.p);
  });
  const data: Data = fitSubset({ features: enc, x, y, n }, rng, PRIOR_POINTS);
  const theta = fitModelTheta(data, rng);
  const m = new Posterior(data, theta, 0).meanFunction();
  const order = prior.map((_, i) => i).sort((a, b) => y[a]! - y[b]! || a - b);
  // Ranks are all the trust reads, so the own values need no warping for it.
  const own = trials.flatMap((t) => {
    const v = trialValue(t);
    return v === undefined ? [] : [{ m: m(featuresOf(enc, t.params)), v: oriented(v) }];
  });
  const trust = priorTrust(
    own.map((o) => o.m),
    own.map((o) => o.v),
  );
  const fitted = order.slice(0, CENTRES).map((i) => m(x.subarray(i * enc.p, (i + 1) * enc.p)));
  return {
    trust,
    theta,
    incumbent: Math.min(...fitted),
    best: order.slice(0, CENTRES).map((i) => prior[i]!.params),
    meanFor(ox, oy, on) {
      const p = enc.p;
      const at = Array.from({ length: on }, (_, i) => m(ox.subarray(i * p, (i + 1) * p)));
      const { a, b } = ridgeLine(at, oy);
      const residuals = oy.map((v, i) => v - trust * (a + b * at[i]!));
      // In units of the residuals' spread, as the cold model's targets are in units of theirs: the
      // GP's priors (noise near 3e-4 of the variance) assume so, and would smooth away a good
      // prior's small residuals.
      const scale = spread(residuals);
      const mean = (u: Float64Array) => (trust * (a + b * m(u))) / scale;
      return { mean, residuals: residuals.map((r) => r / scale), scale };
    },
  };
}

/** The standard deviation, or 1 where there is none to speak of. */
function spread(v: Float64Array): number {
  const n = v.length;
  if (n < 2) return 1;
  const m = mean(v);
  let ss = 0;
  for (const a of v) ss += (a - m) ** 2;
  const sd = Math.sqrt(ss / n);
  return sd > 1e-12 ? sd : 1;
}

/**
 * a and b minimizing Σ(yᵢ − a − b·mᵢ)² + RIDGE·(a² + (b − 1)²), with b ≥ 0:
 * a related study whose good is this one's bad is no use as a prior mean.
 */
export function ridgeLine(m: readonly number[], y: ArrayLike<number>): { a: number; b: number } {
  let s0 = RIDGE;
  let sm = 0;
  let smm = RIDGE;
  let sy = 0;
  let smy = RIDGE;
  m.forEach((mi, i) => {
    s0 += 1;
    sm += mi;
    smm += mi * mi;
    sy += y[i]!;
    smy += mi * y[i]!;
  });
  const det = s0 * smm - sm * sm;
  const b = (s0 * smy - sm * sy) / det;
  return b >= 0 ? { a: (sy - b * sm) / s0, b } : { a: sy / s0, b: 0 };
}
