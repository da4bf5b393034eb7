/**
 * Which of a set of results are the best `n`, when "best" has several
 * objectives and constraints: what a model's good group (tpe) and a rung's
 * promotions (hyperband) are made of. Feasible results come first, by
 * non-dominated rank; a rank that does not fit whole gives its places to the
 * points that add the most hypervolume, one at a time (greedy hypervolume
 * subset selection, as in Optuna's multi-objective TPE), so the chosen points
 * spread along the front instead of crowding one end of it. Infeasible
 * results follow, least violation first: while few results are feasible,
 * those nearest to being so lead.
 */
import { nonDominatedSort, type Point } from "./dominance.ts";
import { hypervolumeImprovement } from "./hypervolume.ts";
import { boxOf } from "./reference.ts";

export interface Ranked {
  readonly loss: Point;
  readonly violation: number;
}

/**
 * Every index of `items`, best first, with the first `n` chosen as above.
 * Past the first `n` the order is by rank, then index: nothing reads it
 * finely, and choosing it by hypervolume would cost more than the rest of a
 * proposal with four objectives. Ties go to the lower index.
 */
export function bestFirst(items: readonly Ranked[], n: number): number[] {
  const feasible: number[] = [];
  const infeasible: number[] = [];
  items.forEach((item, i) => {
    (item.violation === 0 ? feasible : infeasible).push(i);
  });
  const out: number[] = [];
  for (const front of nonDominatedSort(feasible.map((i) => items[i]!.loss))) {
    const members = front.map((k) => feasible[k]!);
    const room = n - out.length;
    if (room > 0 && room < members.length) {
      const chosen = greedySubset(
        members.map((i) => items[i]!.loss),
        room,
      ).map((k) => members[k]!);
      const taken = new Set(chosen);
      out.push(...chosen, ...members.filter((i) => !taken.has(i)));
    } else out.push(...members);
  }
  infeasible.sort((a, b) => items[a]!.violation - items[b]!.violation || a - b);
  return [...out, ...infeasible];
}

/**
 * `k` of `points` (one non-dominated front), chosen one at a time as the one
 * adding the most hypervolume to those chosen before, with respect to a
 * reference point just beyond the front's worst values (so the ends of the
 * front count, and the choice does not change when an objective is rescaled).
 * Lazy: a point's gain only shrinks as others are chosen, so its last gain
 * bounds its next, and most points are never recomputed.
 */
export function greedySubset(points: readonly Point[], k: number): number[] {
  const ref = boxOf(points).ref;
  const gain = points.map((p) => hypervolumeImprovement(p, [], ref));
  const chosen: number[] = [];
  const fresh = new Array<boolean>(points.length).fill(true);
  const left = new Set(points.map((_, i) => i));
  while (chosen.length < k && left.size > 0) {
    let best = -1;
    for (const i of left) if (best < 0 || gain[i]! > gain[best]!) best = i;
    if (fresh[best]) {
      chosen.push(best);
      left.delete(best);
      fresh.fill(false);
      continue;
    }
    gain[best] = hypervolumeImprovement(
      points[best]!,
      chosen.map((c) => points[c]!),
      ref,
    );
    fresh[best] = true;
  }
  return chosen;
}

/**
 * Each point's exclusive share of the set's hypervolume (what the set loses
 * without it), with respect to a reference point just beyond the set's worst
 * values; 0 for a dominated or repeated point.
 */
export function contributions(points: readonly Point[]): number[] {
  const ref = boxOf(points).ref;
  return points.map((p, i) =>
    hypervolumeImprovement(
      p,
      points.filter((_, j) => j !== i),
      ref,
    ),
  );
}
