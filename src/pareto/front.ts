/**
 * The result of a multi-objective (or constrained) study: its feasible
 * trials that no other feasible trial dominates.
 */
import { nonDominatedSort } from "./dominance.ts";
import { isFeasible, type Scored } from "./scores.ts";

/** The Pareto front of the feasible scores, in trial order. Equal points are all on it. */
export function paretoFront(scored: readonly Scored[]): Scored[] {
  const feasible = scored.filter(isFeasible);
  const [front = []] = nonDominatedSort(feasible.map((s) => s.loss));
  return front.map((i) => feasible[i]!);
}
