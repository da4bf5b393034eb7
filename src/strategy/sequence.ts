/**
 * Strategies that walk a fixed sequence of points (random, Sobol): the k-th
 * point depends only on k and the seed, so results do not depend on how trials
 * were batched into rounds, and a resumed study continues the same sequence.
 */
import { decode, type Params, paramsKey, type Space } from "../space/space.ts";
import type { ProposeInput, Proposer } from "./strategy.ts";

/** Draws before concluding that a small discrete space has no untried point left. */
const EXTRA_DRAWS = 2000;

export type PointAt = (index: number, dim: number, seed: number) => number[];

/**
 * Points `start`, `start+1`, … of a sequence, decoded, skipping those in `seen`
 * (which this adds to), until `count` are found or a small discrete space runs out.
 */
export function unseenPoints(
  space: Space,
  pointAt: PointAt,
  start: number,
  count: number,
  seed: number,
  seen: Set<string>,
): Params[] {
  const out: Params[] = [];
  const dim = Math.max(1, space.dims.length);
  for (let i = start; i < start + count + EXTRA_DRAWS && out.length < count; i++) {
    const params = decode(space, pointAt(i, dim, seed));
    const key = paramsKey(params);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(params);
  }
  return out;
}

export function sequenceProposer(pointAt: PointAt): Proposer {
  return {
    // Start where the history ends: earlier indices produced the trials we have
    // (or duplicates of them), so continuing from there never revisits a point.
    propose: ({ space, trials, count, seed }: ProposeInput) =>
      unseenPoints(space, pointAt, trials.length, count, seed, new Set(trials.map((t) => paramsKey(t.params)))),
  };
}
