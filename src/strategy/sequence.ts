/**
 * Strategies that walk a fixed sequence of points (random, Sobol): the k-th
 * point depends only on k and the seed, so results do not depend on how trials
 * were batched into rounds, and a resumed study continues the same sequence.
 */
import { decode, paramsKey } from "../space/space.ts";
import type { ProposeInput, Strategy } from "./strategy.ts";

/** Draws before concluding that a small discrete space has no untried point left. */
const EXTRA_DRAWS = 2000;

export function sequenceStrategy(pointAt: (index: number, dim: number, seed: number) => number[]): Strategy {
  return {
    propose({ space, trials, count, seed }: ProposeInput) {
      const seen = new Set(trials.map((t) => paramsKey(t.params)));
      const out = [];
      const dim = Math.max(1, space.dims.length);
      // Start where the history ends: earlier indices produced the trials we have
      // (or duplicates of them), so continuing from there never revisits a point.
      const end = trials.length + count + EXTRA_DRAWS;
      for (let i = trials.length; i < end && out.length < count; i++) {
        const params = decode(space, pointAt(i, dim, seed));
        const key = paramsKey(params);
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(params);
      }
      return out;
    },
  };
}
