/**
 * Pareto dominance over loss vectors: every coordinate is minimised (a
 * maximised objective enters negated, see scores.ts), so this module knows
 * nothing of goals or metrics.
 */

export type Point = readonly number[];

/** `a` is no worse than `b` in every coordinate and better in at least one. */
export function dominates(a: Point, b: Point): boolean {
  let better = false;
  for (let i = 0; i < a.length; i++) {
    if (a[i]! > b[i]!) return false;
    if (a[i]! < b[i]!) better = true;
  }
  return better;
}

/**
 * The points' indices by non-dominated rank: `fronts[0]` is the Pareto front,
 * `fronts[1]` the front once that one is removed, and so on; each front in
 * index order. Deb et al.'s fast non-dominated sort, O(M·N²): studies hold
 * hundreds of trials, where this is well under a millisecond.
 */
export function nonDominatedSort(points: readonly Point[]): number[][] {
  const n = points.length;
  const dominated: number[][] = points.map(() => []);
  const count = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      if (dominates(points[i]!, points[j]!)) {
        dominated[i]!.push(j);
        count[j]!++;
      } else if (dominates(points[j]!, points[i]!)) {
        dominated[j]!.push(i);
        count[i]!++;
      }
    }
  const fronts: number[][] = [];
  let current = count.flatMap((c, i) => (c === 0 ? [i] : []));
  while (current.length > 0) {
    fronts.push(current);
    const next: number[] = [];
    for (const i of current) for (const j of dominated[i]!) if (--count[j]! === 0) next.push(j);
    current = next.sort((a, b) => a - b);
  }
  return fronts;
}

/** The rank of each point: 0 on the Pareto front, 1 on the next front, … */
export function paretoRanks(points: readonly Point[]): number[] {
  const ranks = new Array<number>(points.length).fill(0);
  nonDominatedSort(points).forEach((front, r) => {
    for (const i of front) ranks[i] = r;
  });
  return ranks;
}

/**
 * Crowding distance within one front (NSGA-II): how much room a point has
 * around it, the sum over coordinates of its neighbours' normalised gap.
 * Extremes get Infinity, so the ends of a front are kept first.
 */
export function crowdingDistances(points: readonly Point[]): number[] {
  const n = points.length;
  const distance = new Array<number>(n).fill(0);
  if (n === 0) return distance;
  for (let m = 0; m < points[0]!.length; m++) {
    const order = points.map((_, i) => i).sort((a, b) => points[a]![m]! - points[b]![m]! || a - b);
    const lo = points[order[0]!]![m]!;
    const hi = points[order[n - 1]!]![m]!;
    distance[order[0]!] = Number.POSITIVE_INFINITY;
    distance[order[n - 1]!] = Number.POSITIVE_INFINITY;
    if (!(hi > lo)) continue;
    for (let k = 1; k < n - 1; k++)
      distance[order[k]!]! += (points[order[k + 1]!]![m]! - points[order[k - 1]!]![m]!) / (hi - lo);
  }
  return distance;
}
