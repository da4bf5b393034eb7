/**
 * Which trial is a study's result. One objective: the best value among the
 * feasible trials. Several: a trial of the feasible Pareto front, chosen by
 * the config's `select:` rule, or else the one nearest the ideal point. A
 * trial outside a constraint is never the result.
 */
import type { Config } from "../config/schema.ts";
import { paretoFront } from "../pareto/front.ts";
import { isFeasible, type Scored, scoreTrials } from "../pareto/scores.ts";
import { isBetter, violationOf } from "../protocol/objective.ts";
import type { Trial } from "../protocol/trial.ts";
import { trialMetric } from "../protocol/trial-value.ts";
import type { Study } from "./schema.ts";
import { searchTrials } from "./study.ts";

/** The parts of a config that decide which trial is best. */
export type Ranking = Pick<Config, "objective" | "constraints" | "select">;

/** The study's result among its search trials; undefined until a feasible trial succeeds. */
export function bestTrial(config: Ranking, study: Study): Trial | undefined {
  return chooseBest(config, scoreTrials(config, searchTrials(study)))?.trial;
}

/** The chosen result among scored trials (see the module's comment); the earlier trial wins a tie. */
export function chooseBest(config: Ranking, scored: readonly Scored[]): Scored | undefined {
  if (config.objective.length === 1) return bestBy(scored.filter(isFeasible), 0);
  const { select } = config;
  if (!select) return nearestIdeal(paretoFront(scored));
  const index = config.objective.findIndex((o) => o.metric === select.metric);
  // Only the front's trials: a trial within the limits that another trial dominates is never the answer,
  // even when the one dominating it lies outside them.
  const allowed = paretoFront(scored).filter((s) =>
    select.subject_to.every((c) => {
      const v = trialMetric(s.trial, c.metric);
      return v !== undefined && violationOf(c, v) === 0;
    }),
  );
  const best = bestBy(allowed, index);
  return nearestIdeal(allowed.filter((s) => s.loss[index] === best?.loss[index]));
}

/** The score best in loss coordinate `m`; the earlier one wins a tie. */
function bestBy(scored: readonly Scored[], m: number): Scored | undefined {
  let best: Scored | undefined;
  for (const s of scored) if (best === undefined || isBetter("minimize", s.loss[m]!, best.loss[m]!)) best = s;
  return best;
}

/**
 * The front's point nearest its ideal point (the best of every objective),
 * each objective scaled to [0, 1] over the front so that units do not decide:
 * the balanced trade-off, when nothing says which objective matters more.
 */
export function nearestIdeal(front: readonly Scored[]): Scored | undefined {
  if (front.length === 0) return undefined;
  const m = front[0]!.loss.length;
  const lo = Array.from({ length: m }, (_, i) => Math.min(...front.map((s) => s.loss[i]!)));
  const hi = Array.from({ length: m }, (_, i) => Math.max(...front.map((s) => s.loss[i]!)));
  const distance = (s: Scored) =>
    Math.hypot(...s.loss.map((v, i) => (hi[i]! > lo[i]! ? (v - lo[i]!) / (hi[i]! - lo[i]!) : 0)));
  let best = front[0]!;
  for (const s of front.slice(1)) if (distance(s) < distance(best)) best = s;
  return best;
}
