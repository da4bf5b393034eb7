import type { Config } from "../config/schema.ts";
import type { Overrides } from "./parse.ts";

/** The config with a `/tune key=value …` applied (already validated by the parser's schema). */
export function applyOverrides(config: Config, o: Overrides): Config {
  return {
    ...config,
    strategy: o.strategy ?? config.strategy,
    seed: o.seed ?? config.seed,
    budget: {
      ...config.budget,
      max_trials: o.max_trials ?? config.budget.max_trials,
      parallel: o.parallel ?? config.budget.parallel,
      max_rounds: o.max_rounds ?? config.budget.max_rounds,
    },
  };
}
