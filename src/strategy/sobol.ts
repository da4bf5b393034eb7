import { sobolPoint } from "../space/sobol.ts";
import { sequenceStrategy } from "./sequence.ts";

/**
 * Scrambled Sobol points: they cover the space more evenly than independent
 * random draws, which matters most for small budgets.
 */
export const sobolStrategy = sequenceStrategy(sobolPoint);
