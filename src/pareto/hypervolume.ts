/**
 * Hypervolume: the volume a set of loss vectors dominates inside the box below
 * a reference point. It is the one number that says how good a whole front
 * is (it grows with every point that extends the front and with nothing
 * else), so benchmarks, patience and the multi-objective strategies use it.
 */
import { nonDominatedSort, type Point } from "./dominance.ts";

/**
 * Exact hypervolume of `points` (minimised) with respect to `ref`. Points
 * that are not strictly better than `ref` in every coordinate add nothing.
 * Two coordinates: sort and sweep, O(N log N). More: slice along the last
 * coordinate and sum the slices' (d−1)-volumes, O(N^(d−1) log N) — exact and
 * fast for the few hundred points and at most four objectives a study has.
 */
export function hypervolume(points: readonly Point[], ref: Point): number {
  const inside = points.filter((p) => p.every((v, i) => v < ref[i]!));
  return volume(inside, ref);
}

function volume(points: readonly Point[], ref: Point): number {
  const d = ref.length;
  if (points.length === 0) return 0;
  if (d === 1) return ref[0]! - Math.min(...points.map((p) => p[0]!));
  if (d === 2) {
    const sorted = [...points].sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
    let area = 0;
    let lowest = ref[1]!;
    for (const [x, y] of sorted as [number, number][]) {
      if (y >= lowest) continue;
      area += (ref[0]! - x) * (lowest - y);
      lowest = y;
    }
    return area;
  }
  const last = d - 1;
  const sorted = [...points].sort((a, b) => a[last]! - b[last]!);
  const below = ref.slice(0, last);
  let total = 0;
  for (let k = 0; k < sorted.length; k++) {
    const z = sorted[k]![last]!;
    const next = k + 1 < sorted.length ? sorted[k + 1]![last]! : ref[last]!;
    if (next > z)
      total +=
        volume(
          sorted.slice(0, k + 1).map((p) => p.slice(0, last)),
          below,
        ) *
        (next - z);
  }
  return total;
}

/**
 * How much `point` adds to the hypervolume of `front` (0 when a point of it
 * dominates or equals `point`): the volume of the point's box less what the
 * front already covers of it — each front point raised to the point's corner,
 * dominated ones dropped — rather than the whole volume twice, which with
 * four objectives is minutes for a report that follows a front trial by trial.
 */
export function hypervolumeImprovement(point: Point, front: readonly Point[], ref: Point): number {
  if (!point.every((v, i) => v < ref[i]!)) return 0;
  const box = point.reduce((v, p, i) => v * (ref[i]! - p), 1);
  const raised = front.map((q) => q.map((v, i) => Math.max(v, point[i]!)));
  const [shadow = []] = nonDominatedSort(raised);
  return (
    box -
    hypervolume(
      shadow.map((i) => raised[i]!),
      ref,
    )
  );
}
