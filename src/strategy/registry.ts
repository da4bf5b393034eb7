/**
 * Every strategy a config can name. Adding one is its own file(s), one line
 * here and its tests: the config's `strategy` values, the JSON Schema and the
 * conformance test all read this table.
 */
import { bayesStrategy } from "./bayes/index.ts";
import { gridStrategy } from "./grid.ts";
import { hyperbandStrategy } from "./hyperband/index.ts";
import { randomStrategy } from "./random.ts";
import { sobolStrategy } from "./sobol.ts";
import type { Strategy } from "./strategy.ts";
import { tpeStrategy } from "./tpe/index.ts";

const STRATEGIES = {
  grid: gridStrategy,
  random: randomStrategy,
  sobol: sobolStrategy,
  bayes: bayesStrategy,
  tpe: tpeStrategy,
  hyperband: hyperbandStrategy,
} satisfies Record<string, Strategy>;

export type StrategyName = keyof typeof STRATEGIES;

export function strategyFor(name: StrategyName): Strategy {
  return STRATEGIES[name];
}

/** Every registered name, in the order help texts list them. */
export const STRATEGY_NAMES = Object.keys(STRATEGIES) as [StrategyName, ...StrategyName[]];
