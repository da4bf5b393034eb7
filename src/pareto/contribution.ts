/**
 * What one point adds to a front's hypervolume, computed from the part of
 * the front inside the point's own box rather than from the whole front
 * twice: a report follows a front's hypervolume trial by trial, and with
 * four objectives recomputing the whole volume after each trial is
 * O(N⁴ log N) over a study, minutes for a few hundred trials.
 */
import { nonDominatedSort, type Point } from "./dominance.ts";
import { hypervolume } from "./hypervolume.ts";

/**
 * hypervolume([...front, point], ref) − hypervolume(front, ref): the volume of
 * the point's box less what the front already covers of it (each front point
 * raised to the point's corner, dominated ones dropped, which are usually few).
 */
export function hypervolumeContribution(point: Point, front: readonly Point[], ref: Point): number {
  if (!point.every((v, i) => v < ref[i]!)) return 0;
  const box = point.reduce((v, p, i) => v * (ref[i]! - p), 1);
  const limited = front.map((q) => q.map((v, i) => Math.max(v, point[i]!)));
  const [shadow = []] = nonDominatedSort(limited);
  return (
    box -
    hypervolume(
      shadow.map((i) => limited[i]!),
      ref,
    )
  );
}
