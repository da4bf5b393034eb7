/**
 * How tpe ranks trials before splitting them into good and bad. One
 * objective without constraints: by value. Otherwise as Optuna's
 * multi-objective and constrained TPE do (Ozaki et al. 2022): feasible
 * trials by non-dominated rank, the last rank that enters the good group
 * chosen by hypervolume contribution, then infeasible trials by violation
 * (src/pareto/order.ts). The split only needs an order, so a trial's loss is
 * its place in it.
 */

import { bestFirst, contributions } from "../../pareto/order.ts";
import { isFeasible, type Scored, scoreTrial, scoreTrials } from "../../pareto/scores.ts";
import type { Goals } from "../../protocol/objective.ts";
import type { Trial } from "../../protocol/trial.ts";
import { trialValue } from "../../protocol/trial-value.ts";

export interface SplitRanks {
  /** Each trial's loss, lower is better; undefined for a trial with no result to rank (pending, failed, pruned). */
  readonly loss: (number | undefined)[];
  /** Each trial's kernel weight in l(x), where it is not 1. */
  readonly weight: (number | undefined)[];
}

/**
 * Below this a good trial's weight does not fall: a trial the others cover
 * still says where good trials are.
 */
const MIN_WEIGHT = 0.05;

/** The split's order and the good group's weights, per trial. */
export function splitRanks(goals: Goals, trials: readonly Trial[], good: (n: number) => number): SplitRanks {
  const weight = new Array<number | undefined>(trials.length).fill(undefined);
  if (goals.objective.length === 1 && goals.constraints.length === 0) {
    const sign = goals.objective[0].goal === "minimize" ? 1 : -1;
    const loss = trials.map((t) => {
      const v = trialValue(t);
      return v === undefined ? undefined : sign * v;
    });
    return { loss, weight };
  }
  const scored = trials.map((t) => scoreTrial(goals, t));
  const indices = scored.flatMap((s, i) => (s ? [i] : []));
  const n = good(indices.length);
  const order = bestFirst(
    indices.map((i) => scored[i]!),
    n,
  );
  const loss = new Array<number | undefined>(trials.length).fill(undefined);
  order.forEach((k, place) => {
    loss[indices[k]!] = place;
  });
  if (goals.objective.length > 1)
    goodWeights(order.slice(0, n).map((k) => scored[indices[k]!]!)).forEach((w, j) => {
      weight[indices[order[j]!]!] = w;
    });
  return { loss, weight };
}

/**
 * The good group's kernel weights: the hypervolume each adds alone, as in
 * Optuna's MOTPE, so l(x) leans towards the points that hold the front up. On
 * the seven problems of bench/mo-problems.ts (12 seeds, q=1 and 4) the median
 * regret fell in 10 of the 14 cells, most on the constrained and the mixed
 * ones. None (all 1) while the group holds an infeasible trial, whose
 * hypervolume means nothing, or only repeats of one point.
 */
function goodWeights(members: readonly Scored[]): number[] {
  if (members.length < 2 || !members.every(isFeasible)) return [];
  const c = contributions(members.map((s) => s.loss));
  const top = Math.max(...c);
  return top > 0 ? c.map((x) => Math.max(MIN_WEIGHT, x / top)) : [];
}

/** Said while constraints are set and no result meets them: the good group is then the nearest misses. */
export function constraintNote(goals: Goals, trials: readonly Trial[]): string | undefined {
  if (goals.constraints.length === 0) return undefined;
  const scored = scoreTrials(goals, trials);
  if (scored.length === 0 || scored.some(isFeasible)) return undefined;
  return `no result meets the constraints yet: tpe models the ${scored.length} results by how little they miss them`;
}
