/**
 * A reference point and a scale for hypervolume when the config gives none:
 * reports chart a study's hypervolume over time and compare two fronts by it,
 * and both need a box that every point of interest lies in and that does not
 * depend on the metrics' units.
 */
import type { Point } from "./dominance.ts";
import { hypervolume } from "./hypervolume.ts";

/** The share of its range added beyond the worst value, so the worst points still add volume. */
export const REFERENCE_MARGIN = 0.1;

/** The box of these loss vectors: `ideal` the best of each coordinate, `ref` the worst plus 10% of its range. */
export interface Box {
  readonly ideal: Point;
  readonly ref: Point;
}

/** The box around `points` (at least one), every coordinate minimised; a coordinate with no spread gets a width of 1. */
export function boxOf(points: readonly Point[]): Box {
  const m = points[0]!.length;
  const ideal = Array.from({ length: m }, (_, i) => Math.min(...points.map((p) => p[i]!)));
  const worst = Array.from({ length: m }, (_, i) => Math.max(...points.map((p) => p[i]!)));
  const ref = worst.map((w, i) => w + (w > ideal[i]! ? (w - ideal[i]!) * REFERENCE_MARGIN : 1));
  return { ideal, ref };
}

/**
 * The hypervolume of `points` as a share of the box's volume, in [0, 1]:
 * a number that reads the same whatever the metrics' units.
 */
export function hypervolumeShare(points: readonly Point[], box: Box): number {
  return hypervolume(points, box.ref) / boxVolume(box);
}

export function boxVolume(box: Box): number {
  return box.ref.reduce((v, r, i) => v * (r - box.ideal[i]!), 1);
}
