import { sobolPoint } from "../space/sobol.ts";
import { sequenceProposer } from "./sequence.ts";
import { proposing } from "./strategy.ts";

/**
 * Scrambled Sobol points: they cover the space more evenly than independent
 * random draws, which matters most for small budgets.
 */
export const sobolProposer = sequenceProposer(sobolPoint);

export const sobolStrategy = proposing("scrambled Sobol points, spread evenly", sobolProposer, {
  batchInvariant: true,
});
