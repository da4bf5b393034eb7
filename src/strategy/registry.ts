import type { StrategyName } from "../config/schema.ts";
import { bayesStrategy } from "./bayes/index.ts";
import { gridStrategy } from "./grid.ts";
import { randomStrategy } from "./random.ts";
import { sobolStrategy } from "./sobol.ts";
import type { Strategy } from "./strategy.ts";
import { tpeStrategy } from "./tpe/index.ts";

const STRATEGIES: Partial<Record<StrategyName, Strategy>> = {
  bayes: bayesStrategy,
  grid: gridStrategy,
  random: randomStrategy,
  sobol: sobolStrategy,
  tpe: tpeStrategy,
};

export class UnavailableStrategyError extends Error {}

export function strategyFor(name: StrategyName): Strategy {
  const s = STRATEGIES[name];
  if (!s)
    throw new UnavailableStrategyError(
      `strategy "${name}" is not available in this version of matrix-tune; available: ${availableStrategies().join(", ")}`,
    );
  return s;
}

export function availableStrategies(): StrategyName[] {
  return Object.keys(STRATEGIES) as StrategyName[];
}
