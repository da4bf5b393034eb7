/**
 * Constraints as models: one GP per constrained metric, fitted to every trial
 * that recorded it, feasible or not (an infeasible trial is a result: it shows
 * where the limit runs), on the slack — how far the value lies past its limit,
 * negative inside it. The probability that a point meets every constraint is
 * the product of each model's probability that its slack is at most 0
 * (Gardner et al. 2014, "Bayesian optimization with inequality constraints"),
 * which multiplies the acquisition, or alone leads the search while no trial
 * is feasible.
 */
import type { Constraint } from "../../protocol/objective.ts";
import type { Trial } from "../../protocol/trial.ts";
import { trialMetric } from "../../protocol/trial-value.ts";
import { erfcx } from "../../util/normal.ts";
import type { Rng } from "../../util/rng.ts";
import type { Encoding } from "./encoding.ts";
import { type Cached, Posterior } from "./gp.ts";
import { dataOf, FIT_STARTS, fitModelTheta } from "./model.ts";

export interface ConstraintModel {
  readonly gp: Posterior;
  /** Slack 0 in the model's standardized targets: the point is feasible below it. */
  readonly limit: number;
}

/** Where a constant slack says every point is feasible (or none is), in standard deviations. */
const CERTAIN = 10;

/** How far `value` lies past the constraint's limits; negative inside them (the distance to the nearer one). */
export function slackOf(c: Constraint, value: number): number {
  const over = c.max === undefined ? Number.NEGATIVE_INFINITY : value - c.max;
  const under = c.min === undefined ? Number.NEGATIVE_INFINITY : c.min - value;
  return Math.max(over, under);
}

/** A model per constraint that some trial has recorded (one nobody has recorded yet is no evidence either way). */
export function constraintModels(
  enc: Encoding,
  constraints: readonly Constraint[],
  trials: readonly Trial[],
  rng: Rng,
  extra: number,
): ConstraintModel[] {
  return constraints.flatMap((c) => {
    const rows: Trial[] = [];
    const slack: number[] = [];
    for (const t of trials) {
      const v = trialMetric(t, c.metric);
      if (v === undefined) continue;
      rows.push(t);
      slack.push(slackOf(c, v));
    }
    if (rows.length === 0) return [];
    const m = slack.reduce((a, b) => a + b, 0) / slack.length;
    const sd = Math.sqrt(slack.reduce((a, b) => a + (b - m) ** 2, 0) / slack.length);
    const constant = !(sd > 1e-12 * Math.max(1, Math.abs(m)));
    const y = Float64Array.from(slack, (s) => (constant ? 0 : (s - m) / sd));
    const limit = constant ? (m <= 0 ? CERTAIN : -CERTAIN) : -m / sd;
    const data = dataOf(enc, rows, y);
    return [{ gp: new Posterior(data, fitModelTheta(data, rng, FIT_STARTS), extra), limit }];
  });
}

/** log P(every constraint is met) at a point, from its caches on the models (kept up to date here). */
export function logFeasibility(models: readonly ConstraintModel[], caches: readonly Cached[]): number {
  let sum = 0;
  models.forEach((m, k) => {
    const c = caches[k]!;
    m.gp.refresh(c);
    sum += logNormalCdf((m.limit - c.mean) / Math.sqrt(c.variance));
  });
  return sum;
}

/** log Φ(z), finite far into the lower tail where Φ itself underflows. */
export function logNormalCdf(z: number): number {
  if (z > 0) return Math.log1p(-0.5 * erfcx(z / Math.SQRT2) * Math.exp(-0.5 * z * z));
  // Φ(z) = ½·erfcx(−z/√2)·exp(−z²/2) for z ≤ 0.
  return Math.log(0.5 * erfcx(-z / Math.SQRT2)) - 0.5 * z * z;
}
