/**
 * Expected hypervolume improvement by Monte Carlo, for several objectives:
 * the objectives' posteriors at a candidate (independent models) are sampled
 * at fixed quasi-random normal draws, the same for every candidate of a round
 * (common random numbers, so two candidates differ by their posteriors and not
 * by their luck), and each sample's improvement of the feasible front is
 * averaged. Candidates that improve in no sample are still ordered, by how far
 * their mean lies from the region where improvement starts, so a search that
 * starts far from the front has a direction.
 */
import type { Point } from "../../pareto/dominance.ts";
import { normalQuantile } from "../../util/normal.ts";
import { cubePoint } from "./optimize.ts";

/**
 * Samples per candidate: with two objectives 64 kept the ranking of a
 * round's best candidates stable between seeds of the draws; more objectives
 * cost far more per sample (the improvement is a hypervolume in M − 1
 * dimensions): 32 with three objectives and 16 with four keep planning a
 * round of 4 from 100 trials near a second.
 */
export function sampleCount(objectives: number): number {
  return objectives <= 2 ? 64 : objectives === 3 ? 32 : 16;
}

/** Below every log EHVI: the score of a candidate whose samples never improve the front. */
const NO_IMPROVEMENT = -1e4;

/**
 * The reference point by BoTorch's `infer_reference_point` rule — the nadir
 * (worst value per objective) moved out by a tenth of the range — applied to
 * every feasible trial rather than to the front alone: a front that has
 * collapsed into one corner (a flat trade-off, where each step along it gains
 * little) then still gains from spreading, where BoTorch's box would shrink
 * around the corner. The range is at least `floor`.
 */
export function inferReference(points: readonly Point[], floor: number): number[] {
  const m = points[0]!.length;
  return Array.from({ length: m }, (_, i) => {
    const values = points.map((p) => p[i]!);
    const nadir = Math.max(...values);
    return nadir + 0.1 * Math.max(floor, nadir - Math.min(...values));
  });
}

/** `count` draws of an M-dimensional standard normal, scrambled Sobol through the normal quantile. */
export function normalDraws(objectives: number, count: number, seed: number): Float64Array[] {
  return Array.from({ length: count }, (_, s) =>
    Float64Array.from(cubePoint(s, objectives, seed), (u) => normalQuantile(Math.min(1 - 1e-12, Math.max(1e-12, u)))),
  );
}

/**
 * log EHVI of a candidate with posterior `mean` and `sd` per objective (losses),
 * given the front's `improvement` function and its reference point.
 */
export function logEhvi(
  mean: readonly number[],
  sd: readonly number[],
  improvement: (p: Point) => number,
  front: readonly Point[],
  ref: Point,
  draws: readonly Float64Array[],
): number {
  const m = mean.length;
  const sample = new Array<number>(m);
  let sum = 0;
  for (const z of draws) {
    for (let i = 0; i < m; i++) sample[i] = mean[i]! + sd[i]! * z[i]!;
    sum += improvement(sample);
  }
  if (sum > 0) return Math.log(sum / draws.length);
  // How many standard deviations the mean must move before it leaves the dominated region or enters the box.
  const gapTo = (p: Point) => Math.max(...mean.map((v, i) => (v - p[i]!) / sd[i]!));
  const dominatedBy = Math.min(...front.map(gapTo));
  return NO_IMPROVEMENT - Math.max(0, dominatedBy, gapTo(ref));
}
