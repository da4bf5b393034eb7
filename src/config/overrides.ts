/**
 * Settings that may be changed for one study without editing the config: by
 * `matrix-tune run --parallel/--seed/--max-trials`, and by `/tune key=value`
 * (which reaches the Action only as this JSON, validated on both ends).
 */
import { z } from "zod";
import { STRATEGY_NAMES } from "../strategy/registry.ts";
import { type Config, configSchema } from "./schema.ts";

/** What a `/tune key=value` may change, with the config field each one sets. */
export const overridesSchema = z.strictObject({
  strategy: z.enum(STRATEGY_NAMES).optional(),
  max_trials: z.int().min(1).max(10_000).optional(),
  parallel: z.int().min(1).max(256).optional(),
  max_rounds: z.int().min(1).max(1000).optional(),
  seed: z
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .optional(),
  config: z
    .string()
    .regex(/^(?!\/)(?!.*\.\.)[A-Za-z0-9._/-]+\.ya?ml$/, "a .yml path inside the repository")
    .optional(),
  compare: z.enum(["base", "off"]).optional(),
  repeats: z.int().min(1).max(20).optional(),
  warm_start: z.enum(["base", "off"]).optional(),
});
export type Overrides = z.infer<typeof overridesSchema>;

/** Overrides that would make the config invalid (`strategy=hyperband` with no resource, say). */
export class OverrideError extends Error {}

/**
 * The config with a `/tune key=value …` applied. Each value is valid on its own
 * (the parser's schema saw to that); the whole config is checked again, since a
 * setting can clash with the rest of it.
 */
export function applyOverrides(config: Config, o: Overrides): Config {
  const merged: Config = {
    ...config,
    strategy: o.strategy ?? config.strategy,
    seed: o.seed ?? config.seed,
    compare: o.compare ?? config.compare,
    repeats: o.repeats ?? config.repeats,
    warm_start: o.warm_start ? { ...config.warm_start, from: o.warm_start } : config.warm_start,
    budget: {
      ...config.budget,
      max_trials: o.max_trials ?? config.budget.max_trials,
      parallel: o.parallel ?? config.budget.parallel,
      max_rounds: o.max_rounds ?? config.budget.max_rounds,
    },
  };
  const checked = configSchema.safeParse(merged);
  if (checked.success) return checked.data;
  const settings = Object.entries(o)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
  const problems = checked.error.issues.map((i) => `${i.path.join(".") || "config"}: ${i.message}`).join("; ");
  throw new OverrideError(`with ${settings} the config is not valid: ${problems}`);
}
