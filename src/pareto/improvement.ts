/**
 * Hypervolume improvement of one point over a fixed front, asked many times
 * (an acquisition scores thousands of candidates, each at dozens of posterior
 * samples): the front is prepared once, and the part of the point's box that
 * the front already dominates is the hypervolume of the front clipped to the
 * point. One call is a dominance check and, past it, that hypervolume: a
 * linear sweep with two coordinates, a quadratic one with three (clipping keeps
 * the front's order along the last coordinate, so nothing is sorted per call),
 * and slabs of that with four.
 */
import { dominates, nonDominatedSort, type Point } from "./dominance.ts";
import { hypervolume } from "./hypervolume.ts";

/** `(point) → how much it adds to the hypervolume of front w.r.t. ref` (loss vectors, minimised). */
export function improvementOver(front: readonly Point[], ref: Point): (point: Point) => number {
  const d = ref.length;
  const inside = front.filter((p) => p.every((v, i) => v < ref[i]!));
  const [first = []] = nonDominatedSort(inside);
  const kept = first.map((i) => inside[i]!).sort((a, b) => a[d - 1]! - b[d - 1]! || a[0]! - b[0]!);
  const covered = d === 2 ? area2d : d === 3 ? volume3d : d === 4 ? volume4d : volumeAny;
  return (point) => {
    let box = 1;
    for (let i = 0; i < d; i++) {
      if (!(point[i]! < ref[i]!)) return 0;
      box *= ref[i]! - point[i]!;
    }
    for (const p of kept) if (dominates(p, point) || p.every((v, i) => v === point[i])) return 0;
    return Math.max(0, box - covered(point));
  };

  /** The area of the front clipped to `point`: sorted by the second coordinate, the first falls. */
  function area2d(point: Point): number {
    const [px, py] = point as [number, number];
    let area = 0;
    let left = ref[0]!;
    for (const [fx, fy] of kept as [number, number][]) {
      const x = Math.max(fx, px);
      if (x >= left) continue;
      area += (left - x) * (ref[1]! - Math.max(fy, py));
      left = x;
    }
    return area;
  }

  /** The volume of the front clipped to `point` (clipping keeps the order along the last coordinate). */
  function volume3d(point: Point): number {
    return slabs3d(
      kept.map((p) => p.map((v, i) => Math.max(v, point[i]!))),
      ref,
    );
  }

  /** Slabs between successive fourth coordinates, each a 3-D volume of the points below it. */
  function volume4d(point: Point): number {
    const clipped = kept.map((p) => p.map((v, i) => Math.max(v, point[i]!)));
    let volume = 0;
    for (let k = 0; k < clipped.length; k++) {
      const next = k + 1 < clipped.length ? clipped[k + 1]![3]! : ref[3]!;
      const depth = next - clipped[k]![3]!;
      if (depth > 0)
        volume +=
          depth *
          slabs3d(
            clipped.slice(0, k + 1).sort((a, b) => a[2]! - b[2]!),
            ref,
          );
    }
    return volume;
  }

  function volumeAny(point: Point): number {
    return hypervolume(
      kept.map((p) => p.map((v, i) => Math.max(v, point[i]!))),
      ref,
    );
  }
}

/**
 * The volume `points` (sorted by their third coordinate) dominate below
 * `ref`'s first three coordinates: slabs between successive third
 * coordinates, each the area of a 2-D staircase kept sorted as points join.
 */
function slabs3d(points: readonly Point[], ref: Point): number {
  const xs: number[] = [];
  const ys: number[] = [];
  let volume = 0;
  for (let k = 0; k < points.length; k++) {
    const [x, y, z] = points[k] as [number, number, number];
    let at = 0;
    while (at < xs.length && xs[at]! <= x) at++;
    if (!(at > 0 && ys[at - 1]! <= y)) {
      let end = at;
      while (end < xs.length && ys[end]! >= y) end++;
      xs.splice(at, end - at, x);
      ys.splice(at, end - at, y);
    }
    const next = k + 1 < points.length ? points[k + 1]![2]! : ref[2]!;
    if (next <= z) continue;
    let area = 0;
    for (let i = 0; i < xs.length; i++) {
      const right = i + 1 < xs.length ? xs[i + 1]! : ref[0]!;
      area += (right - xs[i]!) * (ref[1]! - ys[i]!);
    }
    volume += area * (next - z);
  }
  return volume;
}
