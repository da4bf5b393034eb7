/**
 * Hyperband's new configurations. With `sampler: bayes` or `tpe`, as in BOHB
 * (Falkner et al., 2018), the model sees only the trials of the largest
 * resource that has enough results to model: values from different resources
 * are not comparable, and the largest is the closest to what the study is
 * after.
 */

import type { Trial } from "../../protocol/trial.ts";
import { trialValue } from "../../protocol/trial-value.ts";
import { type Params, paramsKey, type Space } from "../../space/space.ts";
import { createRng } from "../../util/rng.ts";
import { initialDesignSize } from "../bayes/index.ts";
import type { PriorTrial, StrategyConfig } from "../strategy.ts";
import { hyperbandBrackets } from "./brackets.ts";
import { placementOf } from "./placement.ts";
import { SAMPLERS } from "./samplers.ts";
import { hyperbandResource } from "./schedule.ts";

/**
 * BOHB's ρ: the share of new configurations drawn at random even when a model
 * could propose them. The model knows one resource, whose ranking only partly
 * predicts the full resource's; random draws keep trying the rest of the space,
 * so a misled model cannot fill every first rung with the same region.
 */
export const RANDOM_SHARE = 1 / 3;
/** Keeps the coin of the random share apart from the samplers' streams of the same seed. */
const SHARE_STREAM = 0x60b;

/**
 * `count` new configurations (fewer when the space runs out): from the
 * sampler's model, or at random. A warm start's `prior` goes to a model
 * sampler, which may then lead before this study has results enough to model.
 */
export function newConfigurations(
  config: StrategyConfig,
  space: Space,
  trials: readonly Trial[],
  count: number,
  prior?: readonly PriorTrial[],
): Params[] {
  if (count === 0) return [];
  // One iteration's worth of brackets: those that can be open side by side in a study of usual width.
  const view =
    config.sampler === "random"
      ? undefined
      : (modelView(trials, space, hyperbandBrackets(hyperbandResource(config)).length) ??
        (prior?.length ? pendingOnly(trials) : undefined));
  // The coin of place j is keyed by the trial number it will get, so a round of
  // another size does not shift the coins of later places.
  const atRandom = Array.from(
    { length: count },
    (_, j) => !view || createRng(config.seed, SHARE_STREAM, trials.length + j).next() < RANDOM_SHARE,
  );
  const wanted = atRandom.filter((r) => !r).length;
  // The view leaves out older brackets, whose configurations the model may propose again.
  const seen = new Set(trials.map((t) => paramsKey(t.params)));
  const modelled =
    view && wanted > 0
      ? SAMPLERS[config.sampler]
          .propose({
            space,
            objective: config.objective,
            constraints: config.constraints,
            trials: view,
            count: wanted,
            // The view may stay the same while the study grows: a different seed keeps proposals fresh.
            seed: config.seed + trials.length,
            ...(prior?.length ? { prior } : {}),
          })
          .filter((p) => !seen.has(paramsKey(p)))
      : [];
  // The random draws fill every other place, and those the model could not.
  const known = modelled.map((params, i): Trial => ({ id: -1 - i, round: 1, params, status: "pending", attempts: [] }));
  const random = SAMPLERS.random.propose({
    space,
    objective: config.objective,
    constraints: config.constraints,
    trials: [...trials, ...known],
    count: count - modelled.length,
    seed: config.seed,
  });
  const out: Params[] = [];
  for (const r of atRandom) {
    const p = r ? (random.shift() ?? modelled.shift()) : (modelled.shift() ?? random.shift());
    if (p) out.push(p);
  }
  return out;
}

/**
 * The trials of the largest resource with enough successes to model, renumbered
 * as a study of their own, followed as pending by the other configurations of
 * the latest `recent` brackets; undefined while no resource has that many.
 * Without those the model would not know what the lower rungs already try: its
 * view stays the same for many rounds, and it would propose near-copies of them
 * round after round. Older brackets are left out: with all of them, the GP
 * conditions on over a thousand points late in the benchmark's curves study,
 * which then took seven times as long to plan.
 */
export function modelView(trials: readonly Trial[], space: Space, recent: number): Trial[] | undefined {
  const enough = initialDesignSize(space.dims.length);
  const succeeded = new Map<number, number>();
  for (const t of trials)
    if (t.resource !== undefined && trialValue(t) !== undefined)
      succeeded.set(t.resource, (succeeded.get(t.resource) ?? 0) + 1);
  const levels = [...succeeded.entries()].filter(([, n]) => n >= enough).map(([r]) => r);
  if (levels.length === 0) return undefined;
  const level = Math.max(...levels);
  const modelled = trials.filter((t) => t.resource === level);
  const known = new Set(modelled.map((t) => paramsKey(t.params)));
  const latest = Math.max(-1, ...trials.map((t) => placementOf(t)?.bracket ?? -1));
  const elsewhere: Trial[] = [];
  for (const t of trials) {
    const key = paramsKey(t.params);
    if (known.has(key) || (placementOf(t)?.bracket ?? -1) <= latest - recent) continue;
    known.add(key);
    elsewhere.push({ id: t.id, round: t.round, params: t.params, status: "pending", attempts: [] });
  }
  return [...modelled, ...elsewhere].map((t, id) => ({ ...t, id }));
}

/** Before any resource has results to model: the configurations tried so far, as pending, so a prior-led model does not repeat them. */
function pendingOnly(trials: readonly Trial[]): Trial[] {
  return trials.map((t, id) => ({ id, round: t.round, params: t.params, status: "pending", attempts: [] }));
}
