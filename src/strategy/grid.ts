import { gridPoints } from "../space/grid.ts";
import { paramsKey } from "../space/space.ts";
import { type ProposeInput, type Proposer, proposing } from "./strategy.ts";

/** The grid in its fixed order, skipping points already tried; the seed plays no part. */
export const gridProposer: Proposer = {
  propose({ space, trials, count }: ProposeInput) {
    const seen = new Set(trials.map((t) => paramsKey(t.params)));
    const out = [];
    for (const params of gridPoints(space)) {
      if (out.length >= count) break;
      if (!seen.has(paramsKey(params))) out.push(params);
    }
    return out;
  },
};

export const gridStrategy = proposing("every point of the grid, in order", gridProposer);
