import { gridPoints } from "../space/grid.ts";
import { paramsKey } from "../space/space.ts";
import type { ProposeInput, Strategy } from "./strategy.ts";

/** The grid in its fixed order, skipping points already tried; the seed plays no part. */
export const gridStrategy: Strategy = {
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
