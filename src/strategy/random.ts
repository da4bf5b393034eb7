import { createRng } from "../util/rng.ts";
import { sequenceProposer } from "./sequence.ts";
import { proposing } from "./strategy.ts";

/** Independent uniform points of the unit cube, one seeded stream per index. */
export const randomProposer = sequenceProposer((index, dim, seed) => {
  const rng = createRng(seed, index);
  return Array.from({ length: dim }, () => rng.next());
});

export const randomStrategy = proposing("independent uniform points", randomProposer, { batchInvariant: true });
