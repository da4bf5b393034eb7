/**
 * How tpe ranks trials before splitting them into good and bad. One
 * objective without constraints: by value. Otherwise as Optuna's
 * multi-objective and constrained TPE do (Ozaki et al. 2022): feasible
 * trials by non-dominated rank, the last rank that enters the good group
 * chosen by hypervolume contribution, then infeasible trials by violation
 * (src/pareto/order.ts). The split only needs an order, so a trial's loss is
 * its place in it.
 */

import { bestFirst } from "../../pareto/order.ts";
import { isFeasible, scoreTrial, scoreTrials } from "../../pareto/scores.ts";
import type { Goals } from "../../protocol/objective.ts";
import type { Trial } from "../../protocol/trial.ts";
import { trialValue } from "../../protocol/trial-value.ts";

/** Each trial's loss, lower is better; undefined for a trial with no result to rank (pending, failed, pruned). */
export function splitLosses(
  goals: Goals,
  trials: readonly Trial[],
  good: (n: number) => number,
): (number | undefined)[] {
  if (goals.objective.length === 1 && goals.constraints.length === 0) {
    const sign = goals.objective[0].goal === "minimize" ? 1 : -1;
    return trials.map((t) => {
      const v = trialValue(t);
      return v === undefined ? undefined : sign * v;
    });
  }
  const scored = trials.map((t) => scoreTrial(goals, t));
  const indices = scored.flatMap((s, i) => (s ? [i] : []));
  const order = bestFirst(
    indices.map((i) => scored[i]!),
    good(indices.length),
  );
  const loss = new Array<number | undefined>(trials.length).fill(undefined);
  order.forEach((k, place) => {
    loss[indices[k]!] = place;
  });
  return loss;
}

/** Said while constraints are set and no result meets them: the good group is then the nearest misses. */
export function constraintNote(goals: Goals, trials: readonly Trial[]): string | undefined {
  if (goals.constraints.length === 0) return undefined;
  const scored = scoreTrials(goals, trials);
  if (scored.length === 0 || scored.some(isFeasible)) return undefined;
  return `no result meets the constraints yet: tpe models the ${scored.length} results by how little they miss them`;
}
