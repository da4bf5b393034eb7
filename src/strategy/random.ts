import { createRng } from "../util/rng.ts";
import { sequenceStrategy } from "./sequence.ts";

/** Independent uniform points of the unit cube, one seeded stream per index. */
export const randomStrategy = sequenceStrategy((index, dim, seed) => {
  const rng = createRng(seed, index);
  return Array.from({ length: dim }, () => rng.next());
});
