import type { StrategyName } from "../config/schema.ts";
import { bayesStrategy } from "./bayes/index.ts";
import { gridStrategy } from "./grid.ts";
import { randomStrategy } from "./random.ts";
import { sobolStrategy } from "./sobol.ts";
import type { Strategy } from "./strategy.ts";
import { tpeStrategy } from "./tpe/index.ts";

/** Strategies that only propose configurations; hyperband schedules rungs and uses one of these as its sampler. */
export type ProposingStrategy = Exclude<StrategyName, "hyperband">;

const STRATEGIES: Record<ProposingStrategy, Strategy> = {
  bayes: bayesStrategy,
  grid: gridStrategy,
  random: randomStrategy,
  sobol: sobolStrategy,
  tpe: tpeStrategy,
};

export function strategyFor(name: ProposingStrategy): Strategy {
  return STRATEGIES[name];
}

export function proposingStrategies(): ProposingStrategy[] {
  return Object.keys(STRATEGIES) as ProposingStrategy[];
}
